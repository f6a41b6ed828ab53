// Entry point of the Pulumi project (`pulumi up -s primary|secondary|dns`).
import { program } from "./index";

export = program();
