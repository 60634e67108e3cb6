import Table, { type TableConstructorOptions } from 'cli-table3';

/** A table, in colour on a terminal only (piped output stays plain text). */
export function table(options: TableConstructorOptions = {}): Table.Table {
  const plain = !process.stdout.isTTY;
  return new Table({ ...options, ...(plain ? { style: { head: [], border: [] } } : {}) });
}
