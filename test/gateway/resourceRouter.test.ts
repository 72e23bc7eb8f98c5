/**
 * Routing a resource read to its server (src/gateway/ResourceRouter.ts): by the listed URI, else by
 * the first template that matches, the SDK's pattern run on RE2 so that no template a server lists
 * can hold the gateway.
 */
import { UriTemplate } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { ResourceRouter } from '../../src/gateway/ResourceRouter.ts';

const template = (server: string, uriTemplate: string) => ({ server, uriTemplate, name: `${server}-template` });

describe('ResourceRouter', () => {
  const templates = [
    'file:///{path}',
    'repo://{owner}/{repo}/issues/{id}',
    'docs://{+path}',
    'search://q{?term,page}',
    'data://{name}{.ext}',
    'tree://root{/segments*}',
  ];

  it('routes by template as the SDK matches, URI by URI', () => {
    const uris = [
      'file:///notes.txt', 'file:///a/b.txt', 'repo://acme/tools/issues/42', 'repo://acme/tools/issues/', 'docs://guide/intro.md',
      'search://q?term=mcp&page=2', 'search://q?page=2', 'data://report.csv', 'data://report', 'tree://root/a/b', 'tree://rootx', 'other://x',
    ];
    for (const [index, uriTemplate] of templates.entries()) {
      const router = new ResourceRouter([], [template(`s${index}`, uriTemplate)]);
      const sdk = new UriTemplate(uriTemplate);
      for (const uri of uris) {
        const routed = (() => {
          try {
            return router.serverFor(uri);
          } catch {
            return undefined;
          }
        })();
        expect(routed === `s${index}`, `${uriTemplate} and ${uri}`).toBe(sdk.match(uri) !== null);
      }
    }
  });

  it('prefers a listed URI, then the first matching template, and names a URI nothing offers', () => {
    const router = new ResourceRouter([{ server: 'listed', uri: 'file:///a.txt', name: 'a' }], [template('first', 'file:///{path}'), template('second', 'file:///{name}')]);
    expect(router.serverFor('file:///a.txt')).toBe('listed');
    expect(router.serverFor('file:///b.txt')).toBe('first');
    expect(() => router.serverFor('nope://x')).toThrow('No server offers the resource "nope://x": it is neither listed nor matched by a resource template.');
  });

  it('a template of many adjacent expressions does not hold the gateway: the SDK\'s RegExp backtracked for ever on a URI that does not match', () => {
    const hostile = `x://${Array.from({ length: 30 }, (_, i) => `{v${i}}`).join('')}`;
    const router = new ResourceRouter([], [template('hostile', hostile), template('fine', 'x://{a}/{b}')]);
    // Thirty expressions over 200 characters with no match at the end: exponential for a backtracking
    // engine (twelve over 60 characters already ran past 20 s), linear here.
    expect(router.serverFor(`x://${'a'.repeat(200)}/b`)).toBe('fine');
    expect(() => router.serverFor(`x://${'a'.repeat(200)}/`)).toThrow('No server offers the resource');
    expect(router.serverFor(`x://${'a'.repeat(200)}`)).toBe('hostile');
  });
});
