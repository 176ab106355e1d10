// zod's light API (`zod/mini`, which the rules and the wire schemas use) has no messages of its own:
// without a locale a bad value reads "Invalid input" with no rule, and checks.ts cannot tell "is required".
// zod's full API sets English when it loads; this does not wait for that, and leaves alone a locale
// someone else chose. Imported for its effect by what reports zod's issues (checks.ts, http.ts).
import { config } from "zod/v4/core";
import { en } from "zod/v4/locales";

if (!config().localeError) config(en());
