/** save / resurrect: dump.json written atomically with a backup, read back with a fallback to it. */
export { writeDump, type WriteDumpOptions, type WriteDumpResult } from './write';
export { readDump, type ReadDumpResult } from './read';
export { backupPath, readDumpFile, DUMP_VERSION, type DumpFile, type DumpRead } from './format';
