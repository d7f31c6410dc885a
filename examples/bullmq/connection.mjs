// Where the example's workers and flows meet: the Redis at REDIS_URL, and two queues.
export const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const { hostname, port, username, password } = new URL(url);
export const connection = {
  host: hostname,
  port: Number(port || 6379),
  ...(username === '' ? {} : { username: decodeURIComponent(username) }),
  ...(password === '' ? {} : { password: decodeURIComponent(password) }),
};

export const QUEUES = { shardQueue: 'focal-shards', mergeQueue: 'focal-merge' };
