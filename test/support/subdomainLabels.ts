import { Idna2008Class } from "../../infra/plan/hostnames";

// Written-out expectations for the subdomain-label port (infra/plan/hostnames.ts). The fast test
// (test/plan/hostnameLabels.test.ts) holds the port to them; the slow one (test/plan/hostnameLabelsUpstream.test.ts)
// holds them to the real encoders JupyterHub 5's hook calls: Python's `idna` package (`idna.encode`, its
// `idnadata` tables), hashlib's sha256 and Python's "punycode" codec. Labels are those of JupyterHub 5.5's
// `_strict_dns_safe_encode` (jupyterhub/jupyterhub `jupyterhub/utils.py` @ 5.5.0): a DNS-safe name as it is,
// else `idna.encode(name)` if that is one DNS-safe label, else `u-<up to 8 of [a-z0-9]>--<sha256[:7]>`.
// Clauses: RFC 5891 (protocol), RFC 5892 (code point classes, Appendix A context rules), RFC 5893 (bidi).

/** What `idna.encode(name)` does with a name: the A-label it returns, or an exception of this class (or a subclass). */
export type IdnaOutcome = { readonly encodes: string } | { readonly raises: string };

const raises = (exception: string): IdnaOutcome => ({ raises: exception });
const encodes = (aLabel: string): IdnaOutcome => ({ encodes: aLabel });

export interface LabelCase {
  /** The rule on trial, with its clause. */
  readonly what: string;
  readonly name: string;
  /** The label upstream gives the name. */
  readonly label: string;
  /** What `idna.encode` does with it; absent when upstream never calls it (a DNS-safe name). */
  readonly idna?: IdnaOutcome;
}

export const labelCases: readonly LabelCase[] = [
  // `_is_dns_safe` (utils.py): 1-63 of [a-z0-9-], no hyphen at either end, not all digits (RFC 1123 §2.1).
  { what: "63 letters: one label", name: "a".repeat(63), label: "a".repeat(63) },
  { what: "64 letters: too long for a label, hashed", name: "a".repeat(64), label: "u-aaaaaaaa--ffe054f", idna: raises("IDNAError") },
  { what: "a digit last: a label as it is (only all-digit names are not)", name: "a1", label: "a1" },
  { what: "a digit first: a label as it is (RFC 1123 §2.1 allows it)", name: "1a", label: "1a" },
  // RFC 5891 §5.4: a U-label is in NFC.
  { what: "é composed (NFC): encoded", name: "\u00e9", label: "xn--9ca", idna: encodes("xn--9ca") },
  { what: "é decomposed (not NFC): hashed", name: "e\u0301", label: "u-e--bf12767", idna: raises("IDNAError") },
  // RFC 5891 §4.2.3.1: no hyphen at either end (inside is LDH, RFC 5892 §2.5).
  { what: "a leading hyphen", name: "-\u00e9", label: "u-x--2546b3d", idna: raises("IDNAError") },
  { what: "a trailing hyphen", name: "\u00e9-", label: "u-x--0236661", idna: raises("IDNAError") },
  { what: "a hyphen inside (LDH, RFC 5892 §2.5)", name: "\u00e9-a", label: "xn---a-9ia", idna: encodes("xn---a-9ia") },
  // RFC 5891 §4.2.3.2: no combining mark first.
  { what: "a combining mark first", name: "\u0301a", label: "u-a--cb52dae", idna: raises("IDNAError") },
  // RFC 5892 §2 categories that make a code point DISALLOWED, each after an é so the name is not ASCII.
  { what: "a no-break space (Unstable, §2.2: NFKC makes it a space)", name: "\u00e9\u00a0", label: "u-x--dbf9a23", idna: raises("InvalidCodepoint") },
  { what: "a variation selector (IgnorableProperties, §2.3)", name: "\u00e9\ufe0f", label: "u-x--13ddd52", idna: raises("InvalidCodepoint") },
  { what: "the combining grapheme joiner (IgnorableProperties, §2.3)", name: "\u00e9\u034f", label: "u-x--bb339c3", idna: raises("InvalidCodepoint") },
  { what: "a Mongolian free variation selector (IgnorableProperties, §2.3)", name: "\u00e9\u180b", label: "u-x--295dc79", idna: raises("InvalidCodepoint") },
  { what: "a combining mark for symbols (IgnorableBlocks, §2.4: U+20D0, the block's first)", name: "\u00e9\u20d0", label: "u-x--51e1c3b", idna: raises("InvalidCodepoint") },
  { what: "a musical combining stem (IgnorableBlocks, §2.4: U+1D165)", name: "\u00e9\u{1d165}", label: "u-x--057e1aa", idna: raises("InvalidCodepoint") },
  { what: "a conjoining jamo (OldHangulJamo, §2.9: U+1100, the first L jamo)", name: "\u00e9\u1100", label: "u-x--5573eb7", idna: raises("InvalidCodepoint") },
  { what: "a conjoining jamo (OldHangulJamo, §2.9: U+11FF, the last T jamo)", name: "\u00e9\u11ff", label: "u-x--d7b9a31", idna: raises("InvalidCodepoint") },
  { what: "a conjoining jamo (OldHangulJamo, §2.9: U+A960, the first extended-A jamo)", name: "\u00e9\ua960", label: "u-x--e1e1c27", idna: raises("InvalidCodepoint") },
  { what: "a conjoining jamo (OldHangulJamo, §2.9: U+D7B0, the first extended-B jamo)", name: "\u00e9\ud7b0", label: "u-x--545ec72", idna: raises("InvalidCodepoint") },
  { what: "an unassigned code point (Unassigned, §2.10: U+0378)", name: "\u00e9\u0378", label: "u-x--802ec28", idna: raises("InvalidCodepoint") },
  // RFC 5892 §2.2 Unstable: a code point that NFKC_Casefold changes is DISALLOWED.
  { what: "dotless ı, which case folding keeps (PVALID)", name: "\u0131\u00e9", label: "xn--9ca7l", idna: encodes("xn--9ca7l") },
  { what: "the combining ypogegrammeni, which folds to ι (DISALLOWED)", name: "\u00e9\u0345", label: "u-x--c788d1a", idna: raises("InvalidCodepoint") },
  { what: "a Cherokee capital, which Cherokee case folding keeps (PVALID)", name: "\u13a0\u00e9", label: "xn--9ca596g", idna: encodes("xn--9ca596g") },
  { what: "a Cherokee small letter, which folds to its capital (DISALLOWED)", name: "\uab70", label: "u-x--65283ed", idna: raises("InvalidCodepoint") },
  // RFC 5892 Appendix A, the CONTEXTO rules (RFC 5891 §4.2.3.3).
  { what: "Catalan middle dot between two l (A.3)", name: "l\u00b7l", label: "xn--ll-0ea", idna: encodes("xn--ll-0ea") },
  { what: "middle dot between other letters (A.3)", name: "a\u00b7b", label: "u-ab--afebecf", idna: raises("InvalidCodepointContext") },
  { what: "middle dot before an l only (A.3)", name: "a\u00b7l", label: "u-al--400e9fc", idna: raises("InvalidCodepointContext") },
  { what: "middle dot at the end (A.3)", name: "l\u00b7", label: "u-l--ecea344", idna: raises("InvalidCodepointContext") },
  { what: "a zero-width joiner (CONTEXTJ, A.2; the port hashes every joiner)", name: "a\u200db", label: "u-ab--57d3077", idna: raises("IDNAError") },
  { what: "katakana middle dot with katakana (A.7)", name: "\u30fb\u30a2", label: "xn--cckyj", idna: encodes("xn--cckyj") },
  { what: "katakana middle dot with Latin only (A.7)", name: "a\u30fbb", label: "u-ab--a48e386", idna: raises("InvalidCodepointContext") },
  { what: "katakana middle dot alone (A.7)", name: "\u30fb", label: "u-x--2a21905", idna: raises("InvalidCodepointContext") },
  { what: "Greek keraia before Greek (A.4)", name: "ab\u0375\u03b1", label: "xn--ab-73b4v", idna: encodes("xn--ab-73b4v") },
  { what: "Greek keraia at the end (A.4)", name: "ab\u0375", label: "u-ab--381ad19", idna: raises("InvalidCodepointContext") },
  { what: "Greek keraia before Latin (A.4)", name: "ab\u0375b", label: "u-abb--e2e0b15", idna: raises("InvalidCodepointContext") },
  { what: "Hebrew geresh after Hebrew (A.5)", name: "\u05d0\u05f3", label: "xn--4db4e", idna: encodes("xn--4db4e") },
  { what: "Hebrew gershayim after Hebrew (A.6)", name: "\u05d0\u05f4", label: "xn--4db6e", idna: encodes("xn--4db6e") },
  { what: "Hebrew geresh after Latin (A.5)", name: "a\u05f3", label: "u-a--352dd1e", idna: raises("InvalidCodepointContext") },
  { what: "Hebrew geresh alone (A.5)", name: "\u05f3", label: "u-x--2f326e3", idna: raises("InvalidCodepointContext") },
  { what: "Arabic with Arabic-Indic digit zero, the first (A.8)", name: "\u0627\u0660", label: "xn--mgb8i", idna: encodes("xn--mgb8i") },
  { what: "Arabic with Arabic-Indic digit nine, the last (A.8)", name: "\u0627\u0669", label: "xn--mgb6k", idna: encodes("xn--mgb6k") },
  { what: "Arabic with extended Arabic-Indic digit zero, the first (A.9)", name: "\u0627\u06f0", label: "xn--mgb61b", idna: encodes("xn--mgb61b") },
  { what: "Arabic with extended Arabic-Indic digit nine, the last (A.9)", name: "\u0627\u06f9", label: "xn--mgb43b", idna: encodes("xn--mgb43b") },
  { what: "Arabic with two extended Arabic-Indic digits (A.9)", name: "\u0627\u06f1\u06f2", label: "xn--mgb81bd", idna: encodes("xn--mgb81bd") },
  { what: "extended Arabic-Indic digits alone (A.9; class EN, so no bidi rule applies)", name: "\u06f1\u06f2\u06f3", label: "xn--embcd", idna: encodes("xn--embcd") },
  { what: "Arabic-Indic and extended Arabic-Indic digits mixed (A.8, A.9)", name: "\u0627\u0661\u06f1", label: "u-x--83f524c", idna: raises("InvalidCodepointContext") },
  // RFC 5893 §2, applied to labels with an R, AL or AN code point (RFC 5891 §4.2.3.4).
  { what: "Hebrew only (right to left)", name: "\u05d0\u05d1", label: "xn--4dbc", idna: encodes("xn--4dbc") },
  { what: "Latin then Hebrew (rule 5)", name: "a\u05d0", label: "u-a--d1c8c75", idna: raises("IDNABidiError") },
  { what: "Hebrew then Latin (rules 2 and 3)", name: "\u05d0a", label: "u-a--9a0fd46", idna: raises("IDNABidiError") },
  { what: "Latin between Hebrew letters (rule 2)", name: "\u05d0a\u05d1", label: "u-a--470d2cb", idna: raises("IDNABidiError") },
  { what: "a hyphen (ES) between Hebrew letters (rule 2)", name: "\u05d0-\u05d1", label: "xn----zhce", idna: encodes("xn----zhce") },
  { what: "a modifier prime (ON) between Hebrew letters (rule 2)", name: "\u05d0\u02b9\u05d1", label: "xn--jqa59mea", idna: encodes("xn--jqa59mea") },
  { what: "Hebrew ending in a modifier prime (ON, rule 3)", name: "\u05d0\u02b9", label: "u-x--30b8c10", idna: raises("IDNABidiError") },
  { what: "Hebrew then a digit (rule 3)", name: "\u05d01", label: "xn--1-zhc", idna: encodes("xn--1-zhc") },
  { what: "Hebrew, a digit and a combining mark (rule 3 skips NSM)", name: "\u05d01\u0301", label: "xn--1-xbb96s", idna: encodes("xn--1-xbb96s") },
  { what: "a digit then Hebrew (rule 1)", name: "1\u05d0", label: "u-1--ef71fe5", idna: raises("IDNABidiError") },
  { what: "Arabic with an Arabic-Indic digit", name: "\u0627\u0644\u0661", label: "xn--mgb2d4d", idna: encodes("xn--mgb2d4d") },
  { what: "Arabic with a European and an Arabic-Indic digit (rule 4)", name: "\u06271\u0661", label: "u-1--393f338", idna: raises("IDNABidiError") },
  { what: "Arabic with a combining mark last (NSM skipped by rule 3)", name: "\u0627\u0301", label: "xn--lsa52n", idna: encodes("xn--lsa52n") },
  // A full stop idna splits on (RFC 3490 §3.1's four dots) gives a dotted result, never one label.
  { what: "an ideographic full stop", name: "\u00e9\u3002a", label: "u-a--620c18c", idna: encodes("xn--9ca.a") },
];

/** Code points with the class RFC 5892 §2-§3 derives (and `idna.idnadata` lists). */
export const codePointClasses: readonly (readonly [codePoint: number, cls: Idna2008Class, why: string])[] = [
  [0x002d, "PVALID", "hyphen-minus: LDH, §2.5"],
  [0x0030, "PVALID", "digit zero: LDH, §2.5"],
  [0x00e9, "PVALID", "é: LetterDigits, §2.1"],
  [0x3007, "PVALID", "ideographic zero: Exceptions, §2.6"],
  [0x0640, "DISALLOWED", "Arabic tatweel: Exceptions, §2.6"],
  [0x0660, "CONTEXTO", "Arabic-Indic digit zero: Exceptions, §2.6"],
  [0x06f0, "CONTEXTO", "extended Arabic-Indic digit zero: Exceptions, §2.6"],
  [0x200c, "CONTEXTJ", "zero-width non-joiner: JoinControl, §2.8"],
  [0x200d, "CONTEXTJ", "zero-width joiner: JoinControl, §2.8"],
  [0x0378, "DISALLOWED", "unassigned: Unassigned, §2.10"],
  [0x0131, "PVALID", "dotless ı: NFKC_Casefold keeps it, §2.2"],
  [0x017f, "DISALLOWED", "long s: NFKC_Casefold makes it s, §2.2"],
  [0x0345, "DISALLOWED", "combining ypogegrammeni: NFKC_Casefold makes it ι, §2.2"],
  [0x13a0, "PVALID", "Cherokee capital A: NFKC_Casefold keeps it, §2.2"],
  [0xab70, "DISALLOWED", "Cherokee small A: NFKC_Casefold makes it the capital, §2.2"],
  [0x00ad, "DISALLOWED", "soft hyphen: Default_Ignorable_Code_Point, §2.3"],
  [0x034f, "DISALLOWED", "combining grapheme joiner (Mn): Default_Ignorable_Code_Point, §2.3"],
  [0x180b, "DISALLOWED", "Mongolian free variation selector (Mn): Default_Ignorable_Code_Point, §2.3"],
  [0xfe0f, "DISALLOWED", "variation selector 16 (Mn): Default_Ignorable_Code_Point, §2.3"],
  [0x20d0, "DISALLOWED", "first combining mark for symbols (Mn): IgnorableBlocks, §2.4"],
  [0x20f0, "DISALLOWED", "last assigned combining mark for symbols (Mn): IgnorableBlocks, §2.4"],
  [0x1d165, "DISALLOWED", "musical combining stem (Mc): IgnorableBlocks, §2.4"],
  [0x1d242, "DISALLOWED", "combining Greek musical triseme (Mn): IgnorableBlocks, §2.4"],
  [0x1100, "DISALLOWED", "first conjoining L jamo (Lo): OldHangulJamo, §2.9"],
  [0x11ff, "DISALLOWED", "last conjoining T jamo (Lo): OldHangulJamo, §2.9"],
  [0xa960, "DISALLOWED", "first jamo extended-A (Lo): OldHangulJamo, §2.9"],
  [0xa97c, "DISALLOWED", "last assigned jamo extended-A (Lo): OldHangulJamo, §2.9"],
  [0xd7b0, "DISALLOWED", "first jamo extended-B (Lo): OldHangulJamo, §2.9"],
  [0xd7fb, "DISALLOWED", "last assigned jamo extended-B (Lo): OldHangulJamo, §2.9"],
];

/**
 * RFC 3492 Punycode for inputs that reach the edges of its arithmetic (found by search, outputs from
 * Python's "punycode" codec): a digit equal to its threshold (§6.3), the bias adaptation's damping
 * edge and its division (§6.1), and the first code point that is not basic (§5: basic means < 0x80).
 */
export const punycodeCases: readonly (readonly [input: string, output: string, why: string])[] = [
  ["\u0080", "a", "U+0080 is the first code point that is not basic"],
  ["\u0434\u0441", "d1a0a", "a digit equal to its threshold t is written, not the last digit"],
  ["\u04da\u0240\u03c9\u047f\u011a", "oea10dy9a2uxn", "adaptation's delta exactly at ((base - tmin) * tmax) / 2 = 455: no division"],
  ["\u{26ff0}\u{26ff1}", "9j4kca", "adaptation's delta between 455 and 481: divided once"],
  ["\u00ef\u4e3e\u03c6", "gda86lb84h", "adaptation divides by base - tmin = 35"],
];
