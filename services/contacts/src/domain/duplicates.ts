import { distance } from 'fastest-levenshtein';

/** What duplicate detection compares of a contact. */
export interface DuplicateProbe {
  contactId: string;
  givenName: string;
  familyName: string;
  emails: readonly string[];
  phones: readonly string[];
  companyIds: readonly string[];
}

export type DuplicateReason =
  | { kind: 'same-email'; email: string }
  | { kind: 'same-phone'; phone: string }
  | { kind: 'similar-name-at-company'; companyId: string; similarity: number };

export interface LikelyDuplicate {
  contactId: string;
  /** 0..1: how likely the two are one person; several reasons add up (independent evidence). */
  score: number;
  reasons: DuplicateReason[];
}

/**
 * How strongly each reason alone suggests one person. An e-mail address is rarely shared; a phone number
 * more often (a switchboard, a family line); a similar name only counts at the same company.
 */
export const DUPLICATE_WEIGHTS = { 'same-email': 0.9, 'same-phone': 0.7, 'similar-name-at-company': 0.6 } as const;
/** Below this name similarity two people at one company are taken to be colleagues, not one person. */
export const NAME_SIMILARITY_THRESHOLD = 0.8;

/** Lower case, accents and punctuation gone, single spaces: `José  O'Neil` and `jose oneil` compare equal. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} ]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * 0..1 similarity of two people's names: edit distance over length of the full names, either order of the
 * parts (`Smith John`), and a shortened given name with the same family name (`Alex` for `Alexander`) counts.
 */
export function nameSimilarity(a: Pick<DuplicateProbe, 'givenName' | 'familyName'>, b: typeof a): number {
  const [givenA, familyA, givenB, familyB] = [a.givenName, a.familyName, b.givenName, b.familyName].map(normalizeName);
  // A contact known by e-mail or phone only has no name to resemble another's.
  if (!(givenA || familyA) || !(givenB || familyB)) return 0;
  const similarity = (x: string, y: string) => (x || y ? 1 - distance(x, y) / Math.max(x.length, y.length) : 1);
  const full = Math.max(
    similarity(`${givenA} ${familyA}`, `${givenB} ${familyB}`),
    similarity(`${givenA} ${familyA}`, `${familyB} ${givenB}`),
  );
  const shortened =
    familyA === familyB && givenA.length > 0 && givenB.length > 0 && (givenA.startsWith(givenB) || givenB.startsWith(givenA));
  return Math.max(full, shortened ? 0.9 : 0);
}

/** Why `candidate` may be the same person as `subject`, and how likely; undefined when nothing suggests it. */
export function likelyDuplicate(subject: DuplicateProbe, candidate: DuplicateProbe): LikelyDuplicate | undefined {
  if (candidate.contactId === subject.contactId) return undefined;
  const reasons: DuplicateReason[] = [
    ...subject.emails
      .filter((email) => candidate.emails.includes(email))
      .map((email) => ({ kind: 'same-email' as const, email })),
    ...subject.phones
      .filter((phone) => candidate.phones.includes(phone))
      .map((phone) => ({ kind: 'same-phone' as const, phone })),
  ];
  const sharedCompanies = subject.companyIds.filter((id) => candidate.companyIds.includes(id));
  const similarity = sharedCompanies.length > 0 ? nameSimilarity(subject, candidate) : 0;
  if (similarity >= NAME_SIMILARITY_THRESHOLD) {
    const rounded = Math.round(similarity * 100) / 100;
    reasons.push(
      ...sharedCompanies.map((companyId) => ({ kind: 'similar-name-at-company' as const, companyId, similarity: rounded })),
    );
  }
  if (reasons.length === 0) return undefined;
  // Each kind counts once (two shared e-mails are hardly more telling than one); a name counts by its similarity.
  const strengths = new Map<DuplicateReason['kind'], number>();
  for (const reason of reasons) {
    const strength = DUPLICATE_WEIGHTS[reason.kind] * (reason.kind === 'similar-name-at-company' ? reason.similarity : 1);
    strengths.set(reason.kind, Math.max(strengths.get(reason.kind) ?? 0, strength));
  }
  const score = 1 - [...strengths.values()].reduce((unlikely, strength) => unlikely * (1 - strength), 1);
  return { contactId: candidate.contactId, score: Math.round(score * 100) / 100, reasons };
}

/** The likely duplicates among the candidates, most likely first. */
export function likelyDuplicates(subject: DuplicateProbe, candidates: readonly DuplicateProbe[]): LikelyDuplicate[] {
  return candidates
    .flatMap((candidate) => likelyDuplicate(subject, candidate) ?? [])
    .sort((a, b) => b.score - a.score || a.contactId.localeCompare(b.contactId));
}
