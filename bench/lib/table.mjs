/** Plain-text tables for the terminal: first column left-aligned, the others right-aligned. */

export function formatNumber(value) {
  if (typeof value !== 'number') return value === undefined || value === null ? '–' : String(value);
  if (Number.isNaN(value)) return 'n/a';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const digits = Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `rows` are arrays of cells (numbers are formatted); returns the table as one string. */
export function renderTable(headers, rows) {
  const cells = [headers, ...rows.map((row) => row.map(formatNumber))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => String(row[column] ?? '').length)));
  const line = (row) => row.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join('  ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
