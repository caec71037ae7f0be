import type { ClassSpec, RushTimings } from "../../config/types";
import { subSeed, uniformStream } from "./random";

// The timetable in time: when each class's users arrive, how long their servers stay, and when the
// calendar must hold warm room for them.

const MINUTE = 60;

/**
 * How often the placeholder calendar scaler looks at the clock (infra/files/scaler/placeholder_calendar.py):
 * a window it should open can start this much late.
 */
export const calendarPeriodSeconds = 60;

/** The calendar keeps warm room this long after a class's arrival window, for stragglers. */
export const warmTailSeconds = 5 * MINUTE;

/**
 * How long before a class the calendar raises its placeholders: the autoscaler's reaction, a node's boot
 * and the image pull on it, plus one calendar period, rounded up to whole minutes. Nodes asked for then are
 * ready, with the image, when the first user arrives.
 */
export function warmLeadSeconds(t: RushTimings): number {
  const raw = t.autoscalerReactionSeconds + t.nodeBootSeconds + t.imagePullSeconds + calendarPeriodSeconds;
  return Math.ceil(raw / MINUTE) * MINUTE;
}

/**
 * Each user's arrival, whole seconds from the class's start: uniform over the arrival window, drawn from
 * the stack's seed and the class's name. The same numbers scaled: a shorter window moves every user
 * earlier in proportion, so a faster arrival is the same crowd, compressed.
 */
export function arrivalTimes(c: Pick<ClassSpec, "name" | "users" | "arrivalMinutes">, seed: number): number[] {
  const random = uniformStream(subSeed(seed, `arrivals:${c.name}`));
  const window = c.arrivalMinutes * MINUTE;
  const u = Array.from({ length: c.users }, () => random());
  return u.map((x) => Math.floor(x * window)).sort((a, b) => a - b);
}

/**
 * How long a class's servers outlive it: users who close the tab leave an idle server that the culler
 * stops `cullTimeoutSeconds` after its last activity, on a pass every `cullEverySeconds` (Z2JH cull.timeout,
 * cull.every; jupyterhub-idle-culler). Counted whole, so the estimate errs on the costly side.
 */
export function cullTailSeconds(cull: { cullTimeoutSeconds: number; cullEverySeconds: number }): number {
  return cull.cullTimeoutSeconds + cull.cullEverySeconds;
}

const ms = (d: Date) => d.getTime();

/** Servers of other classes still up (class running, or idle until culled) when class `index` starts. */
export function othersRunningAt(classes: readonly ClassSpec[], index: number, tailSeconds: number): number {
  const at = ms(classes[index].start);
  return classes.reduce((sum, c, i) => {
    if (i === index) return sum;
    const from = ms(c.start);
    const until = from + (c.durationMinutes * MINUTE + tailSeconds) * 1000;
    return from < at && at < until ? sum + c.users : sum;
  }, 0);
}

/** One window of the placeholder calendar: hold `replicas` placeholders from `from` until `to`. */
export interface CalendarWindow {
  readonly from: string;
  readonly to: string;
  readonly replicas: number;
  readonly class: string;
}

/** The calendar for the classes: each class's placeholders from its lead before it to after its arrival. */
export function placeholderCalendar(
  classes: readonly ClassSpec[],
  placeholders: readonly number[],
  leadSeconds: number,
): CalendarWindow[] {
  return classes.flatMap((c, i) =>
    placeholders[i] > 0
      ? [{
          class: c.name,
          from: new Date(ms(c.start) - leadSeconds * 1000).toISOString(),
          to: new Date(ms(c.start) + (c.arrivalMinutes * MINUTE + warmTailSeconds) * 1000).toISOString(),
          replicas: placeholders[i],
        }]
      : [],
  );
}

/** Placeholders the calendar holds at a moment: the sum over the windows open then. */
export function placeholdersAt(calendar: readonly CalendarWindow[], at: number): number {
  return calendar.reduce((n, w) => (ms(new Date(w.from)) <= at && at < ms(new Date(w.to)) ? n + w.replicas : n), 0);
}

/** Servers up at a moment: each class's users from its start until it ends and the culler has passed. */
export function serversAt(classes: readonly ClassSpec[], at: number, tailSeconds: number): number {
  return classes.reduce((n, c) => {
    const from = ms(c.start);
    return from <= at && at < from + (c.durationMinutes * MINUTE + tailSeconds) * 1000 ? n + c.users : n;
  }, 0);
}
