// Prints sandbox/README.md's table of check rules (type | rule | source), made from sandbox/rules/.
// Paste it between the README's "rules table" markers after changing a rule; a unit test checks it.
import { rulesTable } from "../sandbox/rules/table";

console.log(rulesTable());
