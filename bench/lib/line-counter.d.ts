// Types of line-counter.js for the TypeScript unit tests.
export class LineCounter {
  constructor(path: string, run: number, expected: number);
  unique: number;
  duplicates: number;
  poll(): number;
  close(): void;
}
