// EC2 and VPC: the network (VPC, subnets, gateways, routes, endpoints, flow logs), security groups
// and their rules, and launch templates, as the EC2 API (CreateVpc, CreateSubnet,
// CreateSecurityGroup, AuthorizeSecurityGroupIngress/Egress, CreateLaunchTemplate, ...) accepts
// them, with terraform-provider-aws's internal/service/ec2 validation.
import {
    Inputs, Problem, Rule, TypeRules, atMostOne, count, custom, exactlyOne, forbidden, given, intRange, length, list, matches, num, obj, oneOf, problem, required, str,
} from "./engine";

const api = "AWS EC2 API reference";
const tf = "terraform-provider-aws internal/service/ec2";

/** Parses an IPv4 CIDR strictly; null when malformed. */
function ipv4Cidr(cidr: string): { base: number; prefix: number } | null {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (m === null) {
        return null;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return null;
    }
    return { base: octets.reduce((acc, o) => acc * 256 + o, 0), prefix };
}

/** A CIDR whose host bits are zero (Terraform's IsCIDRNetwork / ValidIPv4CIDRNetworkAddress). */
function isIpv4Network(cidr: string): boolean {
    const parsed = ipv4Cidr(cidr);
    return parsed !== null && parsed.base % 2 ** (32 - parsed.prefix) === 0;
}

/** An IPv6 CIDR, shape only (hex groups, `::`, prefix 0–128). */
function isIpv6Cidr(cidr: string): boolean {
    const m = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(cidr);
    return m !== null && m[1].includes(":") && Number(m[2]) <= 128 && (m[1].match(/::/g) ?? []).length <= 1;
}

/** A known IPv4 CIDR at `path` is a network address with a prefix in [minPrefix, maxPrefix]. */
function ipv4Network(path: string, minPrefix: number, maxPrefix: number, op: string, source: string): Rule {
    return custom(`${path} is an IPv4 network /${minPrefix}–/${maxPrefix}`, source, (i) => {
        const v = str(i[path]);
        if (v === undefined) {
            return [];
        }
        const parsed = ipv4Cidr(v);
        if (parsed === null || !isIpv4Network(v)) {
            return [problem(path, `${path} "${v}" is not an IPv4 network address in CIDR notation (host bits zero) (${op})`)];
        }
        return parsed.prefix < minPrefix || parsed.prefix > maxPrefix
            ? [problem(path, `${path} "${v}" is a /${parsed.prefix}; the block size must be /${minPrefix} to /${maxPrefix} (${op})`)]
            : [];
    });
}

const vpc: TypeRules = {
    type: "aws:ec2/vpc:Vpc",
    service: "ec2",
    rules: [
        exactlyOne("", ["cidrBlock", "ipv4IpamPoolId"], "CreateVpc", `${api} (CreateVpc CidrBlock or Ipv4IpamPoolId)`),
        ipv4Network("cidrBlock", 16, 28, "CreateVpc", `Amazon VPC User Guide (VPC CIDR blocks: /16 to /28); ${tf} (ValidIPv4CIDRNetworkAddress)`),
        oneOf("instanceTenancy", ["default", "dedicated"], "CreateVpc", `${api} (CreateVpc InstanceTenancy); ${tf}/vpc.go`),
    ],
};

const subnet: TypeRules = {
    type: "aws:ec2/subnet:Subnet",
    service: "ec2",
    rules: [
        required("vpcId", "CreateSubnet", `${api} (CreateSubnet VpcId)`),
        atMostOne("", ["availabilityZone", "availabilityZoneId"], "CreateSubnet", `${api} (CreateSubnet AvailabilityZone or AvailabilityZoneId)`),
        ipv4Network("cidrBlock", 16, 28, "CreateSubnet", `Amazon VPC User Guide (subnet CIDR blocks: /16 to /28); ${tf}`),
        custom("ipv6CidrBlock is an IPv6 /64", `Amazon VPC User Guide (IPv6 subnets are /64); ${api} (CreateSubnet Ipv6CidrBlock)`, (i) => {
            const v = str(i.ipv6CidrBlock);
            return v !== undefined && (!isIpv6Cidr(v) || !v.endsWith("/64")) ? [problem("ipv6CidrBlock", `ipv6CidrBlock "${v}" must be an IPv6 /64 (CreateSubnet)`)] : [];
        }),
        custom("a subnet has an IPv4 or an IPv6 block", `${api} (CreateSubnet CidrBlock, Ipv6CidrBlock, Ipv6Native)`, (i) =>
            !given(i.cidrBlock) && !given(i.ipv6CidrBlock) && !given(i.ipv4IpamPoolId) && !given(i.ipv6IpamPoolId)
                ? [problem("cidrBlock", "cidrBlock or ipv6CidrBlock is required (CreateSubnet)")]
                : []),
    ],
};

const internetGateway: TypeRules = { type: "aws:ec2/internetGateway:InternetGateway", service: "ec2", rules: [] };

/** A route's destinations and targets: exactly one of each (CreateRoute). */
const routeDestinations = ["cidrBlock", "ipv6CidrBlock", "destinationPrefixListId"];
const routeTargets = ["gatewayId", "natGatewayId", "networkInterfaceId", "transitGatewayId", "vpcEndpointId", "vpcPeeringConnectionId", "egressOnlyGatewayId", "carrierGatewayId", "localGatewayId", "coreNetworkArn"];

function routeProblems(at: string, route: Record<string, unknown>, destinations: readonly string[]): Problem[] {
    const problems: Problem[] = [];
    const dest = destinations.filter((k) => given(route[k]));
    const target = routeTargets.filter((k) => given(route[k]));
    const where = at === "" ? "" : `${at}: `;
    if (dest.length !== 1) {
        problems.push(problem(at || destinations[0], `${where}a route needs exactly one destination (${destinations.join(", ")}), got ${dest.length} (CreateRoute)`));
    }
    if (target.length !== 1) {
        problems.push(problem(at || "gatewayId", `${where}a route needs exactly one target (${routeTargets.join(", ")}), got ${target.length} (CreateRoute)`));
    }
    const cidr = str(route[destinations[0]]);
    if (cidr !== undefined && !isIpv4Network(cidr)) {
        problems.push(problem(at || destinations[0], `${where}${destinations[0]} "${cidr}" is not an IPv4 network address in CIDR notation (CreateRoute)`));
    }
    return problems;
}

const routeTable: TypeRules = {
    type: "aws:ec2/routeTable:RouteTable",
    service: "ec2",
    rules: [
        required("vpcId", "CreateRouteTable", `${api} (CreateRouteTable VpcId)`),
        custom("each route: one destination, one target", `${api} (CreateRoute); ${tf}/vpc_route_table.go`, (i) =>
            (list(i.routes) ?? []).flatMap((r, n) => (obj(r) === undefined ? [] : routeProblems(`routes[${n}]`, obj(r) as Record<string, unknown>, routeDestinations)))),
    ],
};

const route: TypeRules = {
    type: "aws:ec2/route:Route",
    service: "ec2",
    rules: [
        required("routeTableId", "CreateRoute", `${api} (CreateRoute RouteTableId)`),
        custom("one destination, one target", `${api} (CreateRoute); ${tf}/vpc_route.go`, (i) =>
            routeProblems("", i as Record<string, unknown>, ["destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"])),
    ],
};

const routeTableAssociation: TypeRules = {
    type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    service: "ec2",
    rules: [
        required("routeTableId", "AssociateRouteTable", `${api} (AssociateRouteTable RouteTableId)`),
        exactlyOne("", ["subnetId", "gatewayId"], "AssociateRouteTable", `${api} (AssociateRouteTable SubnetId or GatewayId); ${tf} (subnet_id ExactlyOneOf gateway_id)`),
    ],
};

/** Characters a security group's and a rule's description may hold (CreateSecurityGroup, IpRange). */
const descriptionPattern = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

const securityGroup: TypeRules = {
    type: "aws:ec2/securityGroup:SecurityGroup",
    service: "ec2",
    rules: [
        length("name", 1, 255, "security group names", "CreateSecurityGroup", `${api} (CreateSecurityGroup GroupName: up to 255)`),
        matches("name", /^(?!sg-)/, `not starting with "sg-"`, "CreateSecurityGroup", `${api} (CreateSecurityGroup GroupName: cannot start with sg-)`),
        length("namePrefix", 1, 229, "security group name prefixes (with Terraform's 26-character unique suffix)", "CreateSecurityGroup", `${tf}/vpc_security_group.go (name_prefix: 255 less id.UniqueIDSuffixLength)`),
        atMostOne("", ["name", "namePrefix"], "CreateSecurityGroup", `${tf}/vpc_security_group.go (name ConflictsWith name_prefix)`),
        length("description", 0, 255, "security group descriptions", "CreateSecurityGroup", `${api} (CreateSecurityGroup GroupDescription: up to 255)`),
        matches("description", descriptionPattern, "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*", "CreateSecurityGroup", `${api} (CreateSecurityGroup GroupDescription, VPC character set)`),
    ],
};

/** Protocols of a security group rule: a name AWS knows, -1 (all), or a protocol number 0–255. */
const namedProtocols = ["tcp", "udp", "icmp", "icmpv6", "-1"];

function validProtocol(value: string): boolean {
    return namedProtocols.includes(value.toLowerCase()) || (/^\d{1,3}$/.test(value) && Number(value) <= 255);
}

/** The port rules of one security group rule: TCP and UDP need both ports, in range and ordered; "all" takes none. */
function portProblems(i: Inputs, op: string): Problem[] {
    const protocol = str(i.ipProtocol)?.toLowerCase();
    if (protocol === undefined) {
        return [];
    }
    const from = i.fromPort;
    const to = i.toPort;
    // With -1 (all traffic) AWS ignores any ports; with ICMP they are type and code. Neither is judged.
    if (protocol === "tcp" || protocol === "udp" || protocol === "6" || protocol === "17") {
        const problems: Problem[] = [];
        for (const [key, value] of [["fromPort", from], ["toPort", to]] as const) {
            if (!given(value)) {
                problems.push(problem(key, `${key} is required with ipProtocol ${protocol} (${op})`));
            } else if (typeof value === "number" && (!Number.isInteger(value) || value < 0 || value > 65535)) {
                problems.push(problem(key, `${key} ${value} is out of range 0–65535 (${op})`));
            }
        }
        if (typeof from === "number" && typeof to === "number" && from > to) {
            problems.push(problem("fromPort", `fromPort ${from} is above toPort ${to} (${op})`));
        }
        return problems;
    }
    return [];
}

/** The four places a rule's peer can be: exactly one (AWS: IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs). */
function securityGroupRule(direction: "Ingress" | "Egress"): TypeRules {
    const op = `AuthorizeSecurityGroup${direction}`;
    const source = `${api} (${op}, IpPermission)`;
    const peerSource = `${source}; ${tf}/vpc_security_group_${direction.toLowerCase()}_rule.go (ExactlyOneOf cidr_ipv4, cidr_ipv6, prefix_list_id, referenced_security_group_id)`;
    return {
        type: `aws:vpc/securityGroup${direction}Rule:SecurityGroup${direction}Rule`,
        service: "ec2",
        rules: [
            required("securityGroupId", op, `${source} (GroupId)`),
            required("ipProtocol", op, `${source} (IpProtocol)`),
            custom("ipProtocol is tcp, udp, icmp, icmpv6, -1 or a protocol number", `${source} (IpProtocol)`, (i) => {
                const p = str(i.ipProtocol);
                return p !== undefined && !validProtocol(p) ? [problem("ipProtocol", `ipProtocol "${p}" is not tcp, udp, icmp, icmpv6, -1 or a protocol number 0–255 (${op})`)] : [];
            }),
            exactlyOne("", ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"], op, peerSource),
            custom("ports with the protocol: both for tcp/udp, in 0–65535, from ≤ to", `${source} (FromPort, ToPort)`, (i) => portProblems(i, op)),
            custom("cidrIpv4 is an IPv4 network address", `${source} (IpRange CidrIp); ${tf} (IPv4CIDRNetworkAddress)`, (i) => {
                const v = str(i.cidrIpv4);
                return v !== undefined && !isIpv4Network(v) ? [problem("cidrIpv4", `cidrIpv4 "${v}" is not an IPv4 network address in CIDR notation (host bits zero) (${op})`)] : [];
            }),
            custom("cidrIpv6 is an IPv6 CIDR", `${source} (Ipv6Range CidrIpv6)`, (i) => {
                const v = str(i.cidrIpv6);
                return v !== undefined && !isIpv6Cidr(v) ? [problem("cidrIpv6", `cidrIpv6 "${v}" is not an IPv6 CIDR (${op})`)] : [];
            }),
            matches("prefixListId", /^pl-[0-9a-f]+$/, "a prefix list id (pl-…)", op, `${source} (PrefixListId)`),
            length("description", 0, 255, "rule descriptions", op, `${source} (Description: up to 255)`),
            matches("description", descriptionPattern, "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*", op, `${source} (Description character set); ${tf}/validate.go (validSecurityGroupRuleDescription)`),
        ],
    };
}

const launchOp = "CreateLaunchTemplate";
const ltApi = `${api} (${launchOp}, RequestLaunchTemplateData)`;
const volumeTypes = ["standard", "gp2", "gp3", "io1", "io2", "sc1", "st1"];

/** What each EBS volume type allows, in GiB (EBS User Guide, "Amazon EBS volume types"). */
const volumeSizes: Readonly<Record<string, [number, number]>> = {
    gp2: [1, 16384], gp3: [1, 16384], io1: [4, 16384], io2: [4, 65536], st1: [125, 16384], sc1: [125, 16384], standard: [1, 1024],
};

const launchTemplate: TypeRules = {
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    service: "ec2",
    rules: [
        length("name", 3, 125, "launch template names", launchOp, `${api} (${launchOp} LaunchTemplateName: 3–128); ${tf}/validate.go (validLaunchTemplateName: at most 125)`),
        matches("name", /^[0-9A-Za-z()./_-]+$/, "letters, digits and ()./_-", launchOp, `${api} (${launchOp} LaunchTemplateName pattern); ${tf} (validLaunchTemplateName)`),
        length("namePrefix", 3, 99, "launch template name prefixes (with Terraform's 26-character unique suffix)", launchOp, `${tf} (validLaunchTemplateName: prefix at most 99)`),
        atMostOne("", ["name", "namePrefix"], launchOp, `${tf}/ec2_launch_template.go (name ConflictsWith name_prefix)`),
        length("description", 0, 255, "launch template version descriptions", launchOp, `${api} (${launchOp} VersionDescription: up to 255)`),
        atMostOne("iamInstanceProfile", ["arn", "name"], launchOp, `${ltApi} (IamInstanceProfile Arn or Name); ${tf} (arn ConflictsWith name)`),
        matches("iamInstanceProfile.arn", /^arn:aws[a-z-]*:iam::\d{12}:instance-profile\/[\u0021-\u007e]+$/, "an instance profile ARN", launchOp, `${ltApi} (IamInstanceProfile Arn)`),
        oneOf("metadataOptions.httpEndpoint", ["enabled", "disabled"], launchOp, `${ltApi} (MetadataOptions HttpEndpoint)`),
        oneOf("metadataOptions.httpTokens", ["optional", "required"], launchOp, `${ltApi} (MetadataOptions HttpTokens)`),
        oneOf("metadataOptions.httpProtocolIpv6", ["enabled", "disabled"], launchOp, `${ltApi} (MetadataOptions HttpProtocolIpv6)`),
        oneOf("metadataOptions.instanceMetadataTags", ["enabled", "disabled"], launchOp, `${ltApi} (MetadataOptions InstanceMetadataTags)`),
        intRange("metadataOptions.httpPutResponseHopLimit", 1, 64, launchOp, `${ltApi} (MetadataOptions HttpPutResponseHopLimit: 1–64)`),
        oneOf("blockDeviceMappings[].ebs.volumeType", volumeTypes, launchOp, `${ltApi} (LaunchTemplateEbsBlockDeviceRequest VolumeType)`),
        oneOf("blockDeviceMappings[].ebs.encrypted", ["true", "false"], launchOp, `${tf}/ec2_launch_template.go (encrypted: "true" or "false")`),
        oneOf("blockDeviceMappings[].ebs.deleteOnTermination", ["true", "false"], launchOp, `${tf}/ec2_launch_template.go (delete_on_termination: "true" or "false")`),
        custom("EBS volume sizes within the volume type's range", "Amazon EBS User Guide (Amazon EBS volume types: sizes)", (i) =>
            (list(i.blockDeviceMappings) ?? []).flatMap((m, n) => {
                const ebs = obj(obj(m)?.ebs);
                const size = num(ebs?.volumeSize);
                const range = volumeSizes[str(ebs?.volumeType) ?? "gp2"];
                return size !== undefined && range !== undefined && (size < range[0] || size > range[1])
                    ? [problem(`blockDeviceMappings[${n}].ebs.volumeSize`, `blockDeviceMappings[${n}].ebs.volumeSize ${size} GiB is outside ${range[0]}–${range[1]} for ${str(ebs?.volumeType) ?? "gp2"} (${launchOp})`)]
                    : [];
            })),
        oneOf("networkInterfaces[].associatePublicIpAddress", ["true", "false"], launchOp, `${tf}/ec2_launch_template.go (associate_public_ip_address: "true" or "false")`),
        oneOf("networkInterfaces[].deleteOnTermination", ["true", "false"], launchOp, `${tf}/ec2_launch_template.go (delete_on_termination: "true" or "false")`),
        custom("security groups on the network interfaces or on the instance, not both", `${ltApi} (Network interfaces and an instance-level security groups may not be specified on the same request)`, (i) => {
            const interfaces = list(i.networkInterfaces) ?? [];
            const onInterfaces = interfaces.some((n) => (list(obj(n)?.securityGroups) ?? []).length > 0);
            const onInstance = (list(i.vpcSecurityGroupIds) ?? []).length > 0 || (list(i.securityGroupNames) ?? []).length > 0;
            return onInterfaces && onInstance
                ? [problem("vpcSecurityGroupIds", `vpcSecurityGroupIds cannot be given with networkInterfaces that carry securityGroups; put them on the interface (${launchOp})`)]
                : [];
        }),
        custom("userData is base64 of at most 16 KB", `${ltApi} (UserData: base64, 16 KB before encoding); ${tf} (ValidBase64String)`, userDataProblems),
        oneOf("tagSpecifications[].resourceType", ["instance", "volume", "network-interface", "spot-instances-request", "elastic-gpu"], launchOp, `${ltApi} (LaunchTemplateTagSpecificationRequest ResourceType)`),
        matches("imageId", /^ami-[0-9a-f]{8,17}$/, "an AMI id (ami-…)", launchOp, `${ltApi} (ImageId)`),
    ],
};

/** User data must be base64 (the provider sends it as given) and at most 16 KB once decoded. */
function userDataProblems(i: Inputs): Problem[] {
    const data = str(i.userData);
    if (data === undefined) {
        return [];
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
        return [problem("userData", `userData is not base64; a launch template takes base64-encoded user data (${launchOp})`)];
    }
    const bytes = Buffer.from(data, "base64").length;
    return bytes > 16384 ? [problem("userData", `userData is ${bytes} bytes decoded; user data is limited to 16 KB (${launchOp})`)] : [];
}

const eip: TypeRules = {
    type: "aws:ec2/eip:Eip",
    service: "ec2",
    rules: [oneOf("domain", ["vpc", "standard"], "AllocateAddress", `${api} (AllocateAddress Domain)`)],
};

const natGateway: TypeRules = {
    type: "aws:ec2/natGateway:NatGateway",
    service: "ec2",
    rules: [
        oneOf("connectivityType", ["public", "private"], "CreateNatGateway", `${api} (CreateNatGateway ConnectivityType)`),
        required("subnetId", "CreateNatGateway: a zonal NAT gateway lives in a subnet", `${api} (CreateNatGateway SubnetId)`, (i) => str(i.availabilityMode) !== "regional"),
        required("allocationId", "CreateNatGateway: a public NAT gateway needs an Elastic IP allocation", `${api} (CreateNatGateway AllocationId: required for public connectivity)`,
            (i) => (str(i.connectivityType) ?? "public") === "public" && str(i.availabilityMode) !== "regional" && !given(i.secondaryAllocationIds)),
        forbidden("allocationId", "on a private NAT gateway", (i) => str(i.connectivityType) === "private", "CreateNatGateway", `${api} (CreateNatGateway AllocationId)`),
    ],
};

const endpointTypes = ["Gateway", "Interface", "GatewayLoadBalancer", "Resource", "ServiceNetwork"];

const vpcEndpoint: TypeRules = {
    type: "aws:ec2/vpcEndpoint:VpcEndpoint",
    service: "ec2",
    rules: [
        required("vpcId", "CreateVpcEndpoint", `${api} (CreateVpcEndpoint VpcId)`),
        required("serviceName", "CreateVpcEndpoint", `${api} (CreateVpcEndpoint ServiceName)`, (i) => !["Resource", "ServiceNetwork"].includes(str(i.vpcEndpointType) ?? "")),
        oneOf("vpcEndpointType", endpointTypes, "CreateVpcEndpoint", `${api} (CreateVpcEndpoint VpcEndpointType)`),
        // A gateway endpoint (S3, DynamoDB) is a route target: route tables, no subnets or security groups.
        forbidden("subnetIds", "on a Gateway endpoint (it is reached through route tables)", (i) => (str(i.vpcEndpointType) ?? "Gateway") === "Gateway", "CreateVpcEndpoint", `${api} (CreateVpcEndpoint SubnetIds: Interface and GatewayLoadBalancer endpoints)`),
        forbidden("securityGroupIds", "on a Gateway endpoint", (i) => (str(i.vpcEndpointType) ?? "Gateway") === "Gateway", "CreateVpcEndpoint", `${api} (CreateVpcEndpoint SecurityGroupIds: Interface endpoints)`),
        forbidden("privateDnsEnabled", "on a Gateway endpoint", (i) => (str(i.vpcEndpointType) ?? "Gateway") === "Gateway", "CreateVpcEndpoint", `${api} (CreateVpcEndpoint PrivateDnsEnabled: Interface endpoints)`),
        forbidden("routeTableIds", "on an Interface endpoint", (i) => str(i.vpcEndpointType) === "Interface", "CreateVpcEndpoint", `${api} (CreateVpcEndpoint RouteTableIds: Gateway endpoints)`),
        matches("serviceName", /^(com\.amazonaws|aws\.|cn\.com\.amazonaws)[\w.-]+$/, "a service name such as com.amazonaws.<region>.s3", "CreateVpcEndpoint", `${api} (CreateVpcEndpoint ServiceName)`),
        atMostOne("", ["serviceName", "resourceConfigurationArn", "serviceNetworkArn"], "CreateVpcEndpoint", `${api} (CreateVpcEndpoint ServiceName, ResourceConfigurationArn, ServiceNetworkArn); ${tf}/vpc_endpoint.go (service_name ConflictsWith resource_configuration_arn, service_network_arn)`),
        oneOf("ipAddressType", ["ipv4", "dualstack", "ipv6"], "CreateVpcEndpoint", `${api} (CreateVpcEndpoint IpAddressType); ${tf}/vpc_endpoint.go (ip_address_type enum.Validate[IpAddressType])`),
        oneOf("dnsOptions.dnsRecordIpType", ["ipv4", "dualstack", "ipv6", "service-defined"], "CreateVpcEndpoint", `${api} (DnsOptionsSpecification DnsRecordIpType); ${tf}/vpc_endpoint.go (dns_record_ip_type enum.Validate[DnsRecordIpType])`),
        oneOf("dnsOptions.privateDnsPreference", ["ALL_DOMAINS", "VERIFIED_DOMAINS_ONLY", "VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS", "SPECIFIED_DOMAINS_ONLY"], "CreateVpcEndpoint", `${tf}/vpc_endpoint.go (private_dns_preference StringInSlice)`),
        count("dnsOptions.privateDnsSpecifiedDomains", 1, 10, "CreateVpcEndpoint", `${tf}/vpc_endpoint.go (private_dns_specified_domains MinItems 1, MaxItems 10)`),
        // DNS options and private DNS name the endpoint's network interfaces, which only an Interface endpoint has.
        forbidden("dnsOptions", "on a Gateway endpoint", (i) => (str(i.vpcEndpointType) ?? "Gateway") === "Gateway", "CreateVpcEndpoint", `${api} (CreateVpcEndpoint DnsOptions: Interface endpoints)`),
        custom("policy is a JSON document", `${api} (CreateVpcEndpoint PolicyDocument); ${tf}/vpc_endpoint.go (policy: IAMPolicyDocumentSchema, NormalizeJsonString)`, (i) => {
            const v = str(i.policy);
            if (v === undefined) {
                return [];
            }
            try {
                const doc: unknown = JSON.parse(v);
                return typeof doc === "object" && doc !== null && !Array.isArray(doc) ? [] : [problem("policy", "policy must be a JSON object, an IAM policy document (CreateVpcEndpoint)")];
            } catch {
                return [problem("policy", "policy is not valid JSON (CreateVpcEndpoint)")];
            }
        }),
    ],
};

const flowLogTargets = ["vpcId", "subnetId", "eniId", "transitGatewayId", "transitGatewayAttachmentId"];

const flowLog: TypeRules = {
    type: "aws:ec2/flowLog:FlowLog",
    service: "ec2",
    rules: [
        exactlyOne("", flowLogTargets, "CreateFlowLogs", `${api} (CreateFlowLogs ResourceIds, ResourceType); ${tf}/vpc_flow_log.go (ExactlyOneOf)`),
        oneOf("trafficType", ["ACCEPT", "REJECT", "ALL"], "CreateFlowLogs", `${api} (CreateFlowLogs TrafficType)`),
        required("trafficType", "CreateFlowLogs: required for a VPC, subnet or network interface", `${api} (CreateFlowLogs TrafficType)`, (i) => !given(i.transitGatewayId) && !given(i.transitGatewayAttachmentId)),
        oneOf("logDestinationType", ["cloud-watch-logs", "s3", "kinesis-data-firehose"], "CreateFlowLogs", `${api} (CreateFlowLogs LogDestinationType)`),
        required("iamRoleArn", "CreateFlowLogs: publishing to CloudWatch Logs needs a role, DeliverLogsPermissionArn", `${api} (CreateFlowLogs DeliverLogsPermissionArn)`,
            (i) => (str(i.logDestinationType) ?? "cloud-watch-logs") === "cloud-watch-logs"),
        required("logDestination", "CreateFlowLogs", `${api} (CreateFlowLogs LogDestination or LogGroupName)`),
        custom("maxAggregationInterval is 60 or 600", `${api} (CreateFlowLogs MaxAggregationInterval: 60 or 600)`, (i) => {
            const v = num(i.maxAggregationInterval);
            return v !== undefined && v !== 60 && v !== 600 ? [problem("maxAggregationInterval", `maxAggregationInterval ${v} is not 60 or 600 (CreateFlowLogs)`)] : [];
        }),
    ],
};

export const ec2Rules: readonly TypeRules[] = [
    vpc, subnet, internetGateway, routeTable, route, routeTableAssociation, securityGroup,
    securityGroupRule("Ingress"), securityGroupRule("Egress"), launchTemplate, eip, natGateway, vpcEndpoint, flowLog,
];
