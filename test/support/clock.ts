// How provider tests move time: the rotation clock stopped at moments the test sets, then restored.
import { clock } from "../../provider/core/rotation";

/** Runs `body` with `at(iso)` stopping the clock at that moment; the real clock is back afterwards, even on failure. */
export async function withClock(body: (at: (iso: string) => void) => Promise<void>): Promise<void> {
  const real = clock.now;
  try {
    await body((iso) => (clock.now = () => Date.parse(iso)));
  } finally {
    clock.now = real;
  }
}
