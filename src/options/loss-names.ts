/** Every loss by name: the name a spec carries, and what crosses a thread or a JSON state. */
export const ALL_LOSSES = ['focalLoss', 'binaryFocalLoss', 'asymmetricLoss'] as const;

export type LossName = (typeof ALL_LOSSES)[number];

export const isLossName = (value: unknown): value is LossName => (ALL_LOSSES as readonly unknown[]).includes(value);
