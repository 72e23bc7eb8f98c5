/**
 * Type-checks in-memory files with the real TypeScript compiler, the way the model's code is checked against
 * the generated API: `strict`, `lib: ["es2024"]` only (no DOM, no Node types), nothing emitted.
 */
import { dirname } from 'node:path';
import ts from 'typescript';

export interface CompileDiagnostic {
  readonly code: number;
  readonly message: string;
  /** The key of `files` the diagnostic is in; absent for global ones (options, lib). */
  readonly file?: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
}

const options: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2024,
  module: ts.ModuleKind.ESNext,
  lib: ['lib.es2024.d.ts'],
  types: [],
  // The compiler's own lib files are not under test: checking them again took most of each compile.
  // Every other file, the generated declarations included, is checked in full (unlike skipLibCheck).
  skipDefaultLibCheck: true,
};

// In-memory files live under a directory that cannot exist, so nothing on disk is picked up by accident.
const virtualRoot = '/__compileTypeScript__/';
const libDirectory = dirname(ts.getDefaultLibFilePath(options));
// Parsing the lib files takes most of a compile; they never change, so every call shares them.
const libSourceFiles = new Map<string, ts.SourceFile>();

/** All diagnostics (syntax, semantics, options) of compiling `files` together, keyed by file name. */
export function compileDiagnostics(files: Readonly<Record<string, string>>): CompileDiagnostic[] {
  const virtualFiles = new Map(Object.entries(files).map(([name, text]) => [virtualRoot + name, text]));
  const host = ts.createCompilerHost(options);
  const readFromDisk = host.readFile.bind(host);
  host.fileExists = (fileName) => virtualFiles.has(fileName) || (fileName.startsWith(libDirectory) && ts.sys.fileExists(fileName));
  host.readFile = (fileName) => virtualFiles.get(fileName) ?? readFromDisk(fileName);
  host.getSourceFile = (fileName, languageVersion) => {
    const text = virtualFiles.get(fileName);
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    return libSourceFile(fileName, languageVersion);
  };
  host.getDefaultLibLocation = () => libDirectory;
  host.getCurrentDirectory = () => virtualRoot;
  host.writeFile = () => {};

  const program = ts.createProgram({ rootNames: [...virtualFiles.keys()], options, host });
  return ts.getPreEmitDiagnostics(program).map(toCompileDiagnostic);
}

function libSourceFile(fileName: string, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions): ts.SourceFile | undefined {
  const cached = libSourceFiles.get(fileName);
  if (cached !== undefined) return cached;
  const text = ts.sys.readFile(fileName);
  if (text === undefined) return undefined;
  const sourceFile = ts.createSourceFile(fileName, text, languageVersion, true);
  libSourceFiles.set(fileName, sourceFile);
  return sourceFile;
}

function toCompileDiagnostic(diagnostic: ts.Diagnostic): CompileDiagnostic {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const { file, start } = diagnostic;
  if (file === undefined) return { code: diagnostic.code, message };
  const name = file.fileName.startsWith(virtualRoot) ? file.fileName.slice(virtualRoot.length) : file.fileName;
  if (start === undefined) return { code: diagnostic.code, message, file: name };
  const { line, character } = file.getLineAndCharacterOfPosition(start);
  return { code: diagnostic.code, message, file: name, line: line + 1, column: character + 1 };
}
