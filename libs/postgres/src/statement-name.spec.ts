import { statementName } from './statement-name';

describe('statementName', () => {
  it('is the purpose and the table while PostgreSQL keeps the whole name', () => {
    expect(statementName('checkpoint-save', '"crm".relay_checkpoints')).toBe('checkpoint-save:"crm".relay_checkpoints');
  });

  it('names a long table by a hash, within 63 bytes, and two tables differing past the cut apart', () => {
    const schema = 'sales_rotting_test_0123456789abcdef_0123456789abcdef';
    const positions = statementName('reactor-positions-load', `"${schema}".reactor_positions`);
    const other = statementName('reactor-positions-load', `"${schema}".reactor_positions_2`);
    expect(Buffer.byteLength(positions)).toBeLessThanOrEqual(63);
    expect(positions.startsWith('reactor-positions-load:')).toBe(true);
    expect(positions).not.toBe(other);
    expect(statementName('reactor-positions-load', `"${schema}".reactor_positions`)).toBe(positions);
  });
});
