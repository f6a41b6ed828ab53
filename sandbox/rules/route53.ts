// Route 53: health checks of every type and record sets, as CreateHealthCheck (HealthCheckConfig)
// and ChangeResourceRecordSets (ResourceRecordSet) accept them, with terraform-provider-aws's
// internal/service/route53 (health_check.go, record.go) argument validation.
import { Inputs, Rule, TypeRules, count, custom, forbidden, given, intIn, intRange, length, list, matches, num, oneOf, problem, required, str } from "./engine";

const hcApi = "AWS Route 53 API reference (CreateHealthCheck, HealthCheckConfig)";
const hcTf = "terraform-provider-aws internal/service/route53/health_check.go";
const op = "CreateHealthCheck";

const healthCheckTypes = ["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP", "CALCULATED", "CLOUDWATCH_METRIC", "RECOVERY_CONTROL"];
const endpointTypes = ["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"];
const httpTypes = ["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH"];
const strMatchTypes = ["HTTP_STR_MATCH", "HTTPS_STR_MATCH"];

const typeOf = (i: Inputs): string | undefined => str(i.type)?.toUpperCase();
const typeIn = (types: readonly string[]) => (i: Inputs): boolean => types.includes(typeOf(i) ?? "");

/** The fields that only endpoint checks (HTTP, HTTPS, TCP and the string matches) take. */
const endpointOnly = ["fqdn", "ipAddress", "port", "searchString", "requestInterval", "failureThreshold", "measureLatency", "enableSni", "regions"];

/** Fields that belong to one type, refused on every other. */
function onlyFor(field: string, types: readonly string[], label: string): Rule {
    return forbidden(field, `on a health check of type other than ${label}`, (i) => typeOf(i) !== undefined && !types.includes(typeOf(i) as string), op, `${hcApi} (${field}: ${label} only)`);
}

const healthCheck: TypeRules = {
    type: "aws:route53/healthCheck:HealthCheck",
    service: "route53",
    rules: [
        required("type", op, `${hcApi} (Type)`),
        custom("type is one of the health check types", `${hcApi} (Type); ${hcTf} (type enum)`, (i) => {
            const t = typeOf(i);
            return t !== undefined && !healthCheckTypes.includes(t)
                ? [problem("type", `type "${str(i.type)}" is not one of ${healthCheckTypes.join(", ")} (${op})`)]
                : [];
        }),
        // Endpoint checks: an endpoint to probe; HTTP(S) paths and search strings; timing.
        custom("an endpoint check needs fqdn or ipAddress", `${hcApi} (IPAddress, FullyQualifiedDomainName)`, (i) =>
            typeIn(endpointTypes)(i) && !given(i.fqdn) && !given(i.ipAddress)
                ? [problem("fqdn", `fqdn or ipAddress is required for a ${typeOf(i)} health check (${op})`)]
                : []),
        required("port", `${op}: a TCP health check needs the port to probe`, `${hcApi} (Port)`, typeIn(["TCP"])),
        intRange("port", 1, 65535, op, `${hcApi} (Port); ${hcTf} (IsPortNumber)`),
        forbidden("resourcePath", "unless the type is HTTP, HTTPS or a string match", (i) => typeOf(i) !== undefined && !httpTypes.includes(typeOf(i) as string), op, `${hcApi} (ResourcePath: HTTP and HTTPS checks only)`),
        forbidden("searchString", "unless the type is HTTP_STR_MATCH or HTTPS_STR_MATCH", (i) => typeOf(i) !== undefined && !strMatchTypes.includes(typeOf(i) as string), op, `${hcApi} (SearchString)`),
        required("searchString", `${op}: a string-match health check needs the string to search for`, `${hcApi} (SearchString)`, typeIn(strMatchTypes)),
        length("searchString", 1, 255, "search strings", op, `${hcApi} (SearchString: at most 255); ${hcTf}`),
        length("resourcePath", 0, 255, "resource paths", op, `${hcApi} (ResourcePath: at most 255); ${hcTf}`),
        matches("resourcePath", /^\//, "a path starting with /", op, `${hcApi} (ResourcePath)`),
        forbidden("enableSni", "unless the type is HTTPS or HTTPS_STR_MATCH", (i) => typeOf(i) !== undefined && !["HTTPS", "HTTPS_STR_MATCH"].includes(typeOf(i) as string), op, `${hcApi} (EnableSNI)`),
        length("fqdn", 1, 255, "domain names", op, `${hcApi} (FullyQualifiedDomainName: at most 255); ${hcTf}`),
        matches("ipAddress", /^(\d{1,3}(\.\d{1,3}){3}|[0-9A-Fa-f:]+)$/, "an IPv4 or IPv6 address", op, `${hcApi} (IPAddress); ${hcTf} (IsIPAddress)`),
        intIn("requestInterval", [10, 30], op, `${hcApi} (RequestInterval: 10 or 30); ${hcTf}`),
        intRange("failureThreshold", 1, 10, op, `${hcApi} (FailureThreshold: 1–10); ${hcTf}`),
        custom("regions: none (all) or 3–64", `${hcApi} (Regions: at least 3); ${hcTf} (MinItems 3, MaxItems 64)`, (i) => {
            const regions = list(i.regions);
            return regions !== undefined && regions.length > 0 && (regions.length < 3 || regions.length > 64)
                ? [problem("regions", `regions lists ${regions.length}; give none (every checker region) or 3–64 (${op})`)]
                : [];
        }),
        ...endpointOnly.map((field) => onlyFor(field, endpointTypes, "an endpoint type (HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH, TCP)")),
        // CALCULATED: children and how many must be healthy.
        required("childHealthchecks", `${op}: a CALCULATED health check combines child health checks`, `${hcApi} (ChildHealthChecks)`, typeIn(["CALCULATED"])),
        required("childHealthThreshold", `${op}: a CALCULATED health check needs HealthThreshold`, `${hcApi} (HealthThreshold)`, typeIn(["CALCULATED"])),
        count("childHealthchecks", 1, 256, op, `${hcApi} (ChildHealthChecks: at most 256); ${hcTf} (MaxItems 256)`),
        intRange("childHealthThreshold", 0, 256, op, `${hcApi} (HealthThreshold: 0–256); ${hcTf} (IntAtMost 256)`),
        custom("childHealthThreshold at most the number of children", `${hcApi} (HealthThreshold)`, (i) => {
            const threshold = num(i.childHealthThreshold);
            const children = list(i.childHealthchecks);
            return threshold !== undefined && children !== undefined && threshold > children.length
                ? [problem("childHealthThreshold", `childHealthThreshold ${threshold} is more than the ${children.length} child health checks; it could never be met (${op})`)]
                : [];
        }),
        onlyFor("childHealthchecks", ["CALCULATED"], "CALCULATED"),
        onlyFor("childHealthThreshold", ["CALCULATED"], "CALCULATED"),
        // CLOUDWATCH_METRIC: the alarm, its region, and what insufficient data means.
        required("cloudwatchAlarmName", `${op}: a CLOUDWATCH_METRIC health check follows an alarm`, `${hcApi} (AlarmIdentifier.Name)`, typeIn(["CLOUDWATCH_METRIC"])),
        required("cloudwatchAlarmRegion", `${op}: a CLOUDWATCH_METRIC health check names the alarm's region`, `${hcApi} (AlarmIdentifier.Region)`, typeIn(["CLOUDWATCH_METRIC"])),
        required("insufficientDataHealthStatus", `${op}: a CLOUDWATCH_METRIC health check says what insufficient data means`, `${hcApi} (InsufficientDataHealthStatus)`, typeIn(["CLOUDWATCH_METRIC"])),
        oneOf("insufficientDataHealthStatus", ["Healthy", "Unhealthy", "LastKnownStatus"], op, `${hcApi} (InsufficientDataHealthStatus); ${hcTf}`),
        length("cloudwatchAlarmName", 1, 256, "alarm names", op, `${hcApi} (AlarmIdentifier.Name: 1–256)`),
        matches("cloudwatchAlarmRegion", /^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as us-east-2", op, `${hcApi} (AlarmIdentifier.Region)`),
        onlyFor("cloudwatchAlarmName", ["CLOUDWATCH_METRIC"], "CLOUDWATCH_METRIC"),
        onlyFor("cloudwatchAlarmRegion", ["CLOUDWATCH_METRIC"], "CLOUDWATCH_METRIC"),
        onlyFor("insufficientDataHealthStatus", ["CLOUDWATCH_METRIC"], "CLOUDWATCH_METRIC"),
        // RECOVERY_CONTROL: the routing control it follows.
        required("routingControlArn", `${op}: a RECOVERY_CONTROL health check follows a routing control`, `${hcApi} (RoutingControlArn)`, typeIn(["RECOVERY_CONTROL"])),
        matches("routingControlArn", /^arn:aws[a-z-]*:route53-recovery-control::\d{12}:controlpanel\/[0-9a-z]+\/routingcontrol\/[0-9a-z]+$/, "a routing control ARN (arn:aws:route53-recovery-control::<account>:controlpanel/<id>/routingcontrol/<id>)", op, `${hcApi} (RoutingControlArn); ARC API reference (RoutingControlArn)`),
        onlyFor("routingControlArn", ["RECOVERY_CONTROL"], "RECOVERY_CONTROL"),
        length("referenceName", 0, 27, "reference names", op, `${hcTf} (reference_name: 64 less the 37-character caller reference suffix)`),
    ],
};

const recordApi = "AWS Route 53 API reference (ChangeResourceRecordSets, ResourceRecordSet)";
const recordTf = "terraform-provider-aws internal/service/route53/record.go";
const recordOp = "ChangeResourceRecordSets";

const recordTypes = ["A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT"];
const routingPolicies = ["weightedRoutingPolicies", "failoverRoutingPolicies", "geolocationRoutingPolicies", "latencyRoutingPolicies", "cidrRoutingPolicy", "geoproximityRoutingPolicy", "multivalueAnswerRoutingPolicy"];

const nameFormat = "Route 53 Developer Guide, DNS domain name format (labels up to 63 bytes, names up to 255; printable ASCII except spaces)";

/**
 * Why Route 53 would refuse a record name's shape, or undefined. Lengths count octets, so an octal
 * escape (`\052` for `*`) is one; 253 characters without the trailing dot are the 255 octets a name
 * may have on the wire (RFC 1035 §2.3.4). A relative name is judged as given: the zone's name the
 * provider appends is not known here.
 */
function recordNameProblem(name: string): string | undefined {
    const octets = name.replace(/\\[0-7]{3}/g, "x").replace(/\.$/, "");
    if (octets === "") {
        return undefined;
    }
    if (octets.length > 253) {
        return `is ${octets.length} characters; a DNS name has at most 253 besides its trailing dot`;
    }
    const labels = octets.split(".");
    if (labels.includes("")) {
        return "has an empty label (DomainLabelEmpty)";
    }
    const long = labels.find((l) => l.length > 63);
    return long === undefined ? undefined : `has a label of ${long.length} characters; labels are at most 63 (DomainLabelTooLong)`;
}

const isAlias = (i: Inputs): boolean => Array.isArray(i.aliases) ? i.aliases.length > 0 : given(i.aliases);
const hasPolicy = (i: Inputs): boolean => routingPolicies.some((p) => (Array.isArray(i[p]) ? (i[p] as unknown[]).length > 0 : given(i[p]) && i[p] !== false));

const record: TypeRules = {
    type: "aws:route53/record:Record",
    service: "route53",
    rules: [
        required("zoneId", recordOp, `${recordApi} (HostedZoneId)`),
        required("name", recordOp, `${recordApi} (Name)`),
        required("type", recordOp, `${recordApi} (Type)`),
        oneOf("type", recordTypes, recordOp, `${recordApi} (Type); ${recordTf}`),
        length("name", 1, 1024, "record names", recordOp, `${recordApi} (Name: at most 1024)`),
        custom("name: labels of 1–63 characters, at most 253 in all", `${nameFormat}; RFC 1035 §2.3.4`, (i) => {
            const name = str(i.name);
            const why = name === undefined ? undefined : recordNameProblem(name);
            return why === undefined ? [] : [problem("name", `name "${name}" ${why} (${recordOp}: InvalidChangeBatch)`)];
        }),
        matches("name", /^[\x21-\x7e]+$/, "printable ASCII without spaces (an internationalised name in its xn-- form)", recordOp, nameFormat),
        // An alias answers with its target's records and TTL: it has neither of its own.
        forbidden("ttl", "on an alias record (it takes the alias target's TTL)", isAlias, recordOp, `${recordApi} (TTL: omit for alias records); ${recordTf} (ttl ConflictsWith alias)`),
        forbidden("records", "on an alias record", isAlias, recordOp, `${recordApi} (ResourceRecords: omit for alias records); ${recordTf} (records ConflictsWith alias)`),
        required("ttl", `${recordOp}: a non-alias record needs a TTL`, `${recordApi} (TTL)`, (i) => !isAlias(i)),
        required("records", `${recordOp}: a non-alias record needs its values`, `${recordApi} (ResourceRecords)`, (i) => !isAlias(i)),
        intRange("ttl", 0, 2147483647, recordOp, `${recordApi} (TTL: 0–2147483647)`),
        count("aliases", 0, 1, recordOp, `${recordApi} (AliasTarget: one per record set)`),
        required("aliases[].name", recordOp, `${recordApi} (AliasTarget.DNSName); ${recordTf} (alias.name Required)`),
        required("aliases[].zoneId", recordOp, `${recordApi} (AliasTarget.HostedZoneId); ${recordTf} (alias.zone_id Required)`),
        required("aliases[].evaluateTargetHealth", recordOp, `${recordApi} (AliasTarget.EvaluateTargetHealth); ${recordTf} (alias.evaluate_target_health Required)`),
        custom("a CNAME holds one value", `${recordApi} (CNAME: one value)`, (i) => {
            const records = list(i.records);
            return str(i.type) === "CNAME" && records !== undefined && records.length > 1
                ? [problem("records", `records: a CNAME record holds exactly one value, not ${records.length} (${recordOp})`)]
                : [];
        }),
        // Routing policies: one at most, and a set identifier to tell the record sets apart.
        custom("at most one routing policy", `${recordApi}; ${recordTf} (routing policies ConflictsWith each other)`, (i) => {
            const set = routingPolicies.filter((p) => (Array.isArray(i[p]) ? (i[p] as unknown[]).length > 0 : given(i[p]) && i[p] !== false));
            return set.length > 1 ? [problem(set[1], `${set.join(" and ")} cannot be combined; a record set has one routing policy (${recordOp})`)] : [];
        }),
        required("setIdentifier", `${recordOp}: a record with a routing policy needs a set identifier`, `${recordApi} (SetIdentifier)`, hasPolicy),
        forbidden("setIdentifier", "without a routing policy", (i) => !hasPolicy(i), recordOp, `${recordApi} (SetIdentifier: only with a routing policy)`),
        length("setIdentifier", 1, 128, "set identifiers", recordOp, `${recordApi} (SetIdentifier: 1–128)`),
        count("weightedRoutingPolicies", 0, 1, recordOp, `${recordApi} (Weight: one per record set)`),
        required("weightedRoutingPolicies[].weight", recordOp, `${recordApi} (Weight)`),
        intRange("weightedRoutingPolicies[].weight", 0, 255, recordOp, `${recordApi} (Weight: 0–255)`),
        oneOf("failoverRoutingPolicies[].type", ["PRIMARY", "SECONDARY"], recordOp, `${recordApi} (Failover)`),
        matches("healthCheckId", /^[0-9a-zA-Z-]{1,64}$/, "a health check id (at most 64 characters)", recordOp, `${recordApi} (HealthCheckId: at most 64)`),
    ],
};

export const route53Rules: readonly TypeRules[] = [healthCheck, record];
