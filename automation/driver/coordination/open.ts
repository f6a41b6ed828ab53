// Opens the coordination store a location names.
import { LocalCoordinationStore } from "./local-store";
import { S3CoordinationStore, S3StoreClientOptions } from "./s3-store";
import { CoordinationStore } from "./store";
import { CoordinationLocation } from "./url";

/** The store at `location`; `s3Client` adds client settings for an S3 location (ignored for a folder). */
export function openCoordinationStore(location: CoordinationLocation, s3Client?: S3StoreClientOptions): CoordinationStore {
    switch (location.kind) {
        case "local":
            return new LocalCoordinationStore(location.dir);
        case "s3":
            return new S3CoordinationStore(location, s3Client);
        default:
            throw new Error(`unknown coordination store kind "${(location as { kind: string }).kind}"`);
    }
}
