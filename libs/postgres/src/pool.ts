import { Pool, type PoolConfig } from 'pg';

/**
 * A node-postgres pool that survives the server going away. When an idle connection is cut (PostgreSQL
 * restarting, a failover, a terminated backend) the pool emits 'error'; with no listener that is an uncaught
 * exception and the whole service exits. With one, the pool drops the broken connection and opens a new one
 * when next asked; a query in flight fails by itself and is its caller's to retry.
 */
export function createPool(config: PoolConfig, onIdleConnectionLost: (error: Error) => void = warn): Pool {
  const pool = new Pool(config);
  pool.on('error', onIdleConnectionLost);
  return pool;
}

function warn(error: Error): void {
  process.emitWarning(`An idle PostgreSQL connection was lost (${error.message}); the pool opens a new one when needed`, {
    code: 'CRM_PG_IDLE_CONNECTION_LOST',
  });
}
