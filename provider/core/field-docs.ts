// Field descriptions every API shares (the plugin's schema and docs/REFERENCE.md show them).
import type { FieldDoc } from "../core/vendor";

export const ROTATE_AFTER_DOC: FieldDoc = {
  name: "rotateAfter",
  type: "string",
  input: "optional",
  description:
    'A rotation policy: a duration, "90d", "12w" or "720h". When the current value is that old, preview shows the key as due and up rotates it as a new rotation value does. Adding, changing or removing it rotates nothing by itself, unless the key is already past the new policy.',
};

export const ROTATED_AT_DOC: FieldDoc = {
  name: "rotatedAt",
  type: "string",
  description: "When the current value was created or last rotated (ISO 8601). Absent for a key imported without a creation time, until its first rotation.",
};

export const DECLARED_DOC: FieldDoc = {
  name: "declared",
  type: "any",
  description: "Only after a refresh found the key edited by hand: the declared values of the fields that differ. The next update applies and drops it.",
};
