import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';
import { typeCheckDefaults } from '../../config/defaults.ts';
import type { TypeDiagnostic } from './TypeDiagnostic.ts';

/**
 * The compiler, required rather than imported: `typescript.js` is CommonJS in a package that does not
 * say so, and an `import` makes Node scan its 9 MB for module syntax first. About 0.2 s of CPU less
 * for each checker thread's start.
 */
const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;

/**
 * The compiler options code is checked with: the declarations' own (`strict`, `lib: ["es2024"]`, no
 * DOM or Node types), with two exceptions for code that is fine at run time and common in what models
 * write: a parameter without a type (`(item) => …` where nothing gives it one) and `catch (error) {
 * error.message }`.
 */
const options: TypeScript.CompilerOptions = {
  strict: true,
  noImplicitAny: false,
  useUnknownInCatchVariables: false,
  noEmit: true,
  target: ts.ScriptTarget.ES2024,
  lib: ['lib.es2024.d.ts'],
  types: [],
  skipDefaultLibCheck: true,
};

// In-memory files live under a directory that cannot exist, so nothing on disk is picked up by accident;
// each checker has its own, so that checkers sharing a registry never share a file of theirs.
const root = '/__code-goat-check__/';
/**
 * The parsed lib files, shared by every checker of the thread: a document registry keeps one
 * SourceFile per file and settings for all the language services that use it.
 */
const registry = ts.createDocumentRegistry();
const libSnapshots = new Map<string, TypeScript.IScriptSnapshot | undefined>();
/** The code is the body of an async function (as the sandbox runs it): `await` and `return` are legal. */
const wrapperStart = 'async function __codeGoatExecution__() {\n';
const wrapperEnd = '\n}\n';

/**
 * A warm TypeScript language service over the declarations and one code file. Checking new code
 * reuses everything else (the lib files, the parsed declarations), which keeps a check in tens of
 * milliseconds once the first one has paid for parsing. Synchronous and CPU-bound: it runs in the
 * checker's worker thread, never on the gateway's main thread.
 */
export class CodeDiagnostics {
  readonly #apiFile: string;
  readonly #codeFile: string;
  readonly #files: Map<string, { text: string; version: number }>;
  readonly #service: TypeScript.LanguageService;

  /** `client` names the checker's own files: unique among the checkers of one thread. */
  constructor(client: number, declarations: string) {
    const directory = `${root}${client}/`;
    this.#apiFile = `${directory}api.d.ts`;
    this.#codeFile = `${directory}code.ts`;
    this.#files = new Map([
      [this.#apiFile, { text: '', version: 0 }],
      [this.#codeFile, { text: wrapperStart + wrapperEnd, version: 0 }],
    ]);
    this.setDeclarations(declarations);
    const host: TypeScript.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [this.#apiFile, this.#codeFile],
      getScriptVersion: (fileName) => String(this.#files.get(fileName)?.version ?? 0),
      getScriptSnapshot: (fileName) => {
        const file = this.#files.get(fileName);
        return file ? ts.ScriptSnapshot.fromString(file.text) : libSnapshot(fileName);
      },
      getCurrentDirectory: () => directory,
      getDefaultLibFileName: (settings) => ts.getDefaultLibFilePath(settings),
      fileExists: (fileName) => this.#files.has(fileName) || libSnapshot(fileName) !== undefined,
      readFile: (fileName) => this.#files.get(fileName)?.text ?? ts.sys.readFile(fileName),
    };
    this.#service = ts.createLanguageService(host, registry);
  }

  setDeclarations(text: string): void {
    this.#set(this.#apiFile, forChecking(text));
  }

  /** Lets go of this checker's files in the shared registry. */
  dispose(): void {
    this.#service.dispose();
  }

  /** The errors of `code` against the declarations, at lines and columns of `code`, at most `maxDiagnostics` of them. */
  check(code: string): TypeDiagnostic[] {
    const codeFile = this.#codeFile;
    this.#set(codeFile, wrapperStart + code + wrapperEnd);
    const found = [...this.#service.getSyntacticDiagnostics(codeFile), ...this.#service.getSemanticDiagnostics(codeFile)];
    const source = this.#service.getProgram()?.getSourceFile(codeFile);
    const lastLine = code.split('\n').length;
    return found
      .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
      .slice(0, typeCheckDefaults.maxDiagnostics)
      .map((diagnostic) => {
        const at = source && diagnostic.start !== undefined ? source.getLineAndCharacterOfPosition(diagnostic.start) : { line: 1, character: 0 };
        // Line 0 is the wrapper's first line, so a 0-based line of the wrapped text is the 1-based line of the code.
        const line = Math.min(Math.max(at.line, 1), lastLine);
        return {
          line,
          column: line === at.line ? at.character + 1 : 1,
          code: diagnostic.code,
          message: capped(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')),
        };
      });
  }

  #set(fileName: string, text: string): void {
    const file = this.#files.get(fileName)!;
    if (file.text === text) return;
    file.text = text;
    file.version += 1;
  }
}

/** The compiler's lib files, read once: they never change. */
function libSnapshot(fileName: string): TypeScript.IScriptSnapshot | undefined {
  if (!libSnapshots.has(fileName)) {
    const text = ts.sys.readFile(fileName);
    libSnapshots.set(fileName, text === undefined ? undefined : ts.ScriptSnapshot.fromString(text));
  }
  return libSnapshots.get(fileName);
}

/**
 * The declarations as the checker reads them. A tool without a declared result returns `Promise<unknown>`:
 * the model is told it does not know the shape, but code that uses such a result as it sees fit is
 * not wrong for it, so the checker reads it as `any`.
 */
function forChecking(declarations: string): string {
  return declarations.replaceAll('Promise<unknown>', 'Promise<any>');
}

function capped(message: string): string {
  const max = typeCheckDefaults.maxMessageChars;
  return message.length <= max ? message : `${message.slice(0, max - 1)}…`;
}
