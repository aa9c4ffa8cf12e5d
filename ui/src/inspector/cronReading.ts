//! The schedule trigger's cron expression in plain words ("At 08:00, Monday to Friday"), shown
//! next to the field. A small formatter for the common forms (5 fields: minute hour day month
//! weekday; or 6 with a leading seconds field of 0); null for anything else, which the panel
//! calls a custom schedule. It only reads: the engine's cron parser decides what is valid.

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const DAY_ABBREVIATIONS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const MONTH_ABBREVIATIONS = MONTH_NAMES.map((name) => name.slice(0, 3).toLowerCase());

function number(text: string, min: number, max: number): number | null {
  if (!/^\d{1,2}$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

function day(text: string): number | null {
  const index = DAY_ABBREVIATIONS.indexOf(text.toLowerCase());
  if (index >= 0) return index;
  const value = number(text, 0, 7);
  return value === null ? null : value % 7;
}

function month(text: string): number | null {
  const index = MONTH_ABBREVIATIONS.indexOf(text.toLowerCase());
  if (index >= 0) return index;
  const value = number(text, 1, 12);
  return value === null ? null : value - 1;
}

/** "a", "a and b", "a, b and c". */
function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

const two = (value: number) => String(value).padStart(2, "0");

/** Minute and hour: "At 08:00", "At 08:00 and 17:30"… or null. */
function timeOfDay(minute: string, hour: string): string | null {
  if (minute === "*" && hour === "*") return "Every minute";
  const step = /^\*\/(\d{1,2})$/.exec(minute);
  if (step && hour === "*") return Number(step[1]) === 1 ? "Every minute" : `Every ${Number(step[1])} minutes`;
  const m = number(minute, 0, 59);
  if (m === null) return null;
  if (hour === "*") return m === 0 ? "Every hour, on the hour" : `Every hour at ${two(m)} minutes past`;
  const hourStep = /^\*\/(\d{1,2})$/.exec(hour);
  if (hourStep) return `Every ${Number(hourStep[1])} hours at ${two(m)} minutes past`;
  const hours = hour.split(",").map((part) => number(part, 0, 23));
  if (hours.some((h) => h === null)) return null;
  return `At ${list(hours.map((h) => `${two(h!)}:${two(m)}`))}`;
}

/** Weekday field: ", Monday to Friday", ", on Monday and Thursday"… "" for every day, or null. */
function weekdays(field: string): string | null {
  if (field === "*" || field === "?") return "";
  const range = /^(\w+)-(\w+)$/.exec(field);
  if (range) {
    const from = day(range[1]!);
    const to = day(range[2]!);
    if (from === null || to === null) return null;
    if (from === 1 && to === 5) return ", Monday to Friday";
    return `, ${DAY_NAMES[from]} to ${DAY_NAMES[to]}`;
  }
  const days = field.split(",").map(day);
  if (days.some((d) => d === null)) return null;
  return `, on ${list(days.map((d) => DAY_NAMES[d!]!))}`;
}

/** The expression in plain words, or null when it is not one of the forms read here. */
export function describeCron(expression: string): string | null {
  let fields = expression.trim().split(/\s+/);
  if (fields.length === 6) {
    if (fields[0] !== "0") return null;
    fields = fields.slice(1);
  }
  if (fields.length !== 5) return null;
  const [minute, hour, dayOfMonth, monthField, weekday] = fields as [string, string, string, string, string];
  const time = timeOfDay(minute, hour);
  const days = weekdays(weekday);
  if (time === null || days === null) return null;
  let dates = "";
  if (dayOfMonth !== "*" && dayOfMonth !== "?") {
    const d = number(dayOfMonth, 1, 31);
    if (d === null || days !== "") return null;
    dates = `, on day ${d} of the month`;
  }
  if (monthField !== "*") {
    const months = monthField.split(",").map(month);
    if (months.some((m) => m === null)) return null;
    dates += `, in ${list(months.map((m) => MONTH_NAMES[m!]!))}`;
  }
  const everyDay = days === "" && dates === "" && hour !== "*" && !hour.startsWith("*/") ? ", every day" : "";
  return `${time}${days}${dates}${everyDay}`;
}

/** What the panel shows next to the cron field. */
export function cronReading(expression: string): string {
  if (!expression.trim()) return "";
  return describeCron(expression) ?? "Custom schedule";
}
