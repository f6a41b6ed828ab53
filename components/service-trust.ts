// Trust policies of the roles AWS services assume on the stacks' behalf. Pure.
import { PolicyDocument } from "./regional-bucket";

/**
 * Lets one AWS service principal assume a role only while acting for `sourceArn` in `accountId`:
 * the confused-deputy conditions (IAM User Guide, "The confused deputy problem"; AWS global
 * condition keys `aws:SourceAccount` and `aws:SourceArn`). Without them, the service could be
 * steered into assuming the role for a resource of another account. `sourceArn` may end in `*`
 * where the resource's id is not known before it exists (a flow log's).
 *
 * Only for services that send both keys when they assume a role (S3 replication, VPC flow logs).
 * EC2 instance roles are not among them: there the instance profile, and `iam:PassRole` to attach
 * it, decide who gets the role.
 */
export function serviceTrustPolicy(service: string, accountId: string, sourceArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnLike: { "aws:SourceArn": sourceArn } },
            },
        ],
    };
}
