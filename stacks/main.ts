// Entry point of the Pulumi project (`pulumi up -s primary|secondary|dns`), and the by-hand run's
// composition root: the only file of stacks/ that names the driver, to hand the program the
// coordination store where the live posture is recorded.
import { coordinationPostureRecords } from "../automation/driver/coordination/posture-record-source";
import { program } from "./index";

export = program({ postureRecords: coordinationPostureRecords });
