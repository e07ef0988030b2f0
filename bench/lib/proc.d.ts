// Types of the parts of proc.js the TypeScript unit tests use (the bench itself is plain CommonJS).
export function privateBytes(pid: number): number | null;
export function pssBytes(pid: number): number | null;
export function rssBytes(pid: number): number | null;
export function treeOf(root: number): number[];
export function isAlive(pid: number): boolean;
