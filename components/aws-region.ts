// An AWS region's name, the one pattern every check of one uses (config loaders, the fence).

/** An AWS region's name (`us-east-2`, `ap-southeast-1`, `us-gov-west-1`). */
export const awsRegionPattern = /^[a-z]{2}(-[a-z]+)+-\d+$/;
