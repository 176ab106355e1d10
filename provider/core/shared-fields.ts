// Fields every API's resource has, declared once for all three field tables.
import * as z from "zod/mini";
import { input, output } from "./fields";
import { rotateAfterRule } from "./rotation";

export const ROTATE_AFTER = input({
  live: false, // the user's policy, not the API's
  rule: () => z.optional(rotateAfterRule()),
  change: "update", // a policy: recorded, no API call (a due key rotates by age, not by this change)
  type: "string",
  description:
    'A rotation policy: a duration, "90d", "12w" or "720h". When the current value is that old, preview shows the key as due and up rotates it as a new rotation value does. Adding, changing or removing it rotates nothing by itself, unless the key is already past the new policy.',
});

export const ROTATION_OVERLAP = input({
  live: false, // the user's policy, not the API's
  rule: () => z.optional(rotateAfterRule()),
  change: "update", // a policy: recorded, no API call
  type: "string",
  description:
    'How long the previous value stays live after a rotation: a duration, "24h", "7d" or "2w", shorter than rotateAfter. A rotation then makes a new key with the same settings and keeps the old one as previousKey until previousRetiresAt; the first up after that retires it.',
});

/** With rotationOverlap, after a rotation: the old value (Statsig and The Auth API name it previousKey, Basic previousValue). */
export const PREVIOUS_VALUE = output({
  type: "string",
  secret: true,
  description: "With rotationOverlap, after a rotation: the previous value, a secret, live until previousRetiresAt. Absent otherwise.",
});

export const PREVIOUS_FINGERPRINT = output({ type: "string", description: "The first 16 hex digits of the previous value's SHA-256." });

export const PREVIOUS_RETIRES_AT = output({
  type: "string",
  description:
    "With rotationOverlap, after a rotation: when the previous value is retired (the rotation time plus the overlap, ISO 8601). Absent when there is no previous value.",
});

export const ROTATED_AT = output({
  type: "string",
  computed: true,
  description: "When the current value was created or last rotated (ISO 8601). Absent for a key imported without a creation time, until its first rotation.",
});

export const DECLARED = output({
  type: "any",
  description: "Only after a refresh found the key edited by hand: the declared values of the fields that differ. The next update applies and drops it.",
});
