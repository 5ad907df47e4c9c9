// The one countdown of a breakout round, the same on the phone, the projector, the console and
// the cockpit: the time left, read on the server's clock, written the same way everywhere.

// In the last minute every screen shows that time is running out.
export const ENDING_MS = 60 * 1000;

// 5400000 ms → "1:30:00", 754000 ms → "12:34", 59000 ms → "0:59"; never below "0:00".
// A part of a second still to run counts as a second, so "0:00" means the time is up.
export function formatRemaining(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

// "running", then "ending" in the last minute, then "over".
export function countdownState(ms) {
  if (ms <= 0) return "over";
  return ms <= ENDING_MS ? "ending" : "running";
}

// The round's countdown, corrected for the difference between this device's clock and the
// server's: remaining = ends_at - (now + (server_time - local time at receipt)).
// One interval per clock, whatever happens to the round.
export class RoundClock {
  constructor(onTick) {
    this.onTick = onTick;
    this.endsAt = null;
    this.offset = 0;
    this.timer = null;
  }

  // Every snapshot and timer event carries the server's time: the offset follows it.
  correct(serverTime) {
    if (serverTime) this.offset = Date.parse(serverTime) - Date.now();
  }

  set(endsAt, serverTime) {
    this.endsAt = endsAt ? Date.parse(endsAt) : null;
    this.correct(serverTime);
    if (this.endsAt === null) {
      this.stop();
      return;
    }
    if (this.timer === null) this.timer = setInterval(() => this.tick(), 1000);
    this.tick();
  }

  stop() {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.endsAt = null;
  }

  remaining() {
    return this.endsAt === null ? null : Math.max(0, this.endsAt - (Date.now() + this.offset));
  }

  tick() {
    if (this.endsAt !== null) this.onTick(this.remaining());
  }
}
