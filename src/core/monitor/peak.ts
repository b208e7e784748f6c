/**
 * The first item offered with the largest value (null values never win), kept as a run goes: a monitor
 * run may last weeks, so its peaks are kept, not its samples.
 */
export class RunningPeak<T> {
  value = -Infinity;
  item: T | undefined;
  offer(value: number | null, item: T): void {
    if (value !== null && value > this.value) {
      this.value = value;
      this.item = item;
    }
  }
}
