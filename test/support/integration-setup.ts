// Loaded by test/integration/.mocharc.json before any test file.
//
// The AWS SDK warns once per process that its 2027 releases will need Node 22. The project supports
// Node 20 (package.json engines) with the SDK versions it pins, so in the test output the warning
// is noise that hides real failures. A value set by the person running the tests wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// Tools that scripts/ensure-test-tools installs into the project's venv when the machine lacks
// them (the AWS CLI the gateway scripts call) are found after the system's own.
import * as path from "node:path";
process.env.PATH = [process.env.PATH ?? "", path.resolve(__dirname, "..", "..", ".tmp", "venv", "bin")].join(path.delimiter);
