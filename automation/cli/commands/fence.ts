import { fenceVerb } from "../fence-verb";

/** `fence <region>`: take a region out of DNS answers with one CloudWatch PutMetricData (data plane, no Route 53 call). */
export const fenceCommand = fenceVerb("fence", "Fence a region: take it out of DNS answers with one CloudWatch PutMetricData (data plane, no Route 53 call)");
