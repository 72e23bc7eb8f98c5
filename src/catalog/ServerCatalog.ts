/**
 * What downstream servers offer besides tools: resources, resource templates and prompts, as plain
 * data. Produced by `servers/`, consumed by the gateway's passthrough mode, which lists them
 * upstream under namespaced names and routes reads and gets back to the owning server.
 *
 * Type aliases rather than interfaces on purpose: an alias is assignable to a record type
 * (`{ [field: string]: unknown }`), so an entry can be spread and forwarded as is.
 * Fields a proxy should forward untouched (`annotations`, `icons`, `_meta`) are kept when present;
 * optional fields are left out rather than set to `undefined`.
 */

/** A resource a server can read, as `resources/list` gives it. */
export type CatalogResource = {
  /** Config key of the server that owns the resource, e.g. `everything`. */
  readonly server: string;
  readonly uri: string;
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  /** Size in bytes of the raw content, when the server knows it. */
  readonly size?: number;
  readonly annotations?: CatalogAnnotations;
  readonly icons?: CatalogIcon[];
  readonly _meta?: Record<string, unknown>;
};

/** A family of resources addressed by an RFC 6570 URI template, as `resources/templates/list` gives it. */
export type CatalogResourceTemplate = {
  readonly server: string;
  /** e.g. `demo://resource/dynamic/text/{resourceId}`; a read of any URI it expands to goes to `server`. */
  readonly uriTemplate: string;
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  readonly annotations?: CatalogAnnotations;
  readonly icons?: CatalogIcon[];
  readonly _meta?: Record<string, unknown>;
};

/** A prompt (template) a server offers, as `prompts/list` gives it. */
export type CatalogPrompt = {
  readonly server: string;
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  /** The arguments `getPrompt` takes; every argument value is a string (MCP). */
  readonly arguments?: CatalogPromptArgument[];
  readonly icons?: CatalogIcon[];
  readonly _meta?: Record<string, unknown>;
};

export type CatalogPromptArgument = {
  readonly name: string;
  readonly description?: string;
  readonly required?: boolean;
};

/** MCP annotations of a resource: who it is for, how important, when it last changed. */
export type CatalogAnnotations = {
  readonly audience?: ('user' | 'assistant')[];
  readonly priority?: number;
  /** ISO 8601 timestamp. */
  readonly lastModified?: string;
};

export type CatalogIcon = {
  readonly src: string;
  readonly mimeType?: string;
  readonly sizes?: string[];
  readonly theme?: 'light' | 'dark';
};

/**
 * Which of a server's lists changed. `resources` covers the resource templates too: MCP has one
 * `notifications/resources/list_changed` for both.
 */
export type ListKind = 'tools' | 'resources' | 'prompts';

export interface ListChange {
  readonly server: string;
  readonly kind: ListKind;
}
