// The seller's synonym groups as typed in the AI screen: words separated by commas, checked
// with the service's rules (services/agent/knowledge/synonyms.py) before they are sent, so the
// seller reads why in their language; the service checks again.

export const MIN_WORDS = 2;
export const MAX_WORDS = 20;
export const MAX_WORD_LENGTH = 60;

export interface SynonymGroup { id: string; words: string[] }

export type GroupProblem = "tooFew" | "tooMany" | "tooLong";
export type Parsed = { words: string[] } | { problem: GroupProblem; word?: string };

/** «Симка, сим-карта ,sim» -> ["симка", "сим-карта", "sim"]: lower case, ё -> е, spaces
 *  collapsed, empty pieces and repeats dropped (as the service stores them). */
export function parseGroup(text: string): Parsed {
  const words: string[] = [];
  for (const piece of text.split(/[,;\n]/)) {
    const word = piece.toLowerCase().replace(/ё/g, "е").split(/\s+/).filter(Boolean).join(" ");
    if (!word || words.includes(word)) continue;
    if (word.length > MAX_WORD_LENGTH) return { problem: "tooLong", word };
    words.push(word);
  }
  if (words.length < MIN_WORDS) return { problem: "tooFew" };
  if (words.length > MAX_WORDS) return { problem: "tooMany" };
  return { words };
}

/** A group as the seller edits it. */
export function groupText(group: SynonymGroup): string {
  return group.words.join(", ");
}
