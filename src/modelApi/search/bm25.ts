/**
 * BM25F ranking: BM25 over documents made of fields, each field with a weight and its own length
 * normalisation, so a tool's long description cannot drown out a match in its short name.
 * Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond" (2009), section 3.
 */

/** One document: its terms per field (see `searchTerms`). */
export type FieldedDocument<Field extends string> = Readonly<Record<Field, readonly string[]>>;

export interface RankedDocument {
  /** Position of the document in the list the index was built from. */
  readonly index: number;
  readonly score: number;
}

export interface Bm25Index {
  /** Documents that contain at least one of `queryTerms`, best first; ties in document order. */
  rank(queryTerms: readonly string[]): RankedDocument[];
}

// The usual defaults: term frequency saturates quickly (k1), length counts for three quarters (b).
const k1 = 1.2;
const b = 0.75;

export function createBm25Index<Field extends string>(
  fieldWeights: Readonly<Record<Field, number>>,
  documents: readonly FieldedDocument<Field>[],
): Bm25Index {
  const fields = Object.keys(fieldWeights) as Field[];
  const averageLength = new Map(fields.map((field) => [field, average(documents.map((document) => document[field].length))]));

  // Per document, each term's weighted, length-normalised frequency summed over the fields.
  const frequencies = documents.map((document) => {
    const frequency = new Map<string, number>();
    for (const field of fields) {
      const terms = document[field];
      const normalisation = 1 - b + (b * terms.length) / (averageLength.get(field) || 1);
      for (const term of terms) frequency.set(term, (frequency.get(term) ?? 0) + fieldWeights[field] / normalisation);
    }
    return frequency;
  });

  const documentFrequency = new Map<string, number>();
  for (const frequency of frequencies) {
    for (const term of frequency.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  // Always positive, even for a term in every document (the "+ 1" of Lucene's BM25).
  const inverseDocumentFrequency = (term: string): number => {
    const containing = documentFrequency.get(term) ?? 0;
    return Math.log(1 + (documents.length - containing + 0.5) / (containing + 0.5));
  };

  return {
    rank(queryTerms) {
      const terms = [...new Set(queryTerms)].filter((term) => documentFrequency.has(term));
      const ranked: RankedDocument[] = [];
      frequencies.forEach((frequency, index) => {
        let score = 0;
        for (const term of terms) {
          const weighted = frequency.get(term) ?? 0;
          score += (inverseDocumentFrequency(term) * weighted * (k1 + 1)) / (k1 + weighted);
        }
        if (score > 0) ranked.push({ index, score });
      });
      return ranked.sort((left, right) => right.score - left.score || left.index - right.index);
    },
  };
}

function average(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}
