import { fenceVerb } from "../fence-verb";

/** `unfence <region>`: lift a region's fence (its records serve again once their endpoint checks are healthy). */
export const unfenceCommand = fenceVerb("unfence", "Lift a region's fence (its records serve again once their endpoint checks are healthy)");
