import { join } from 'node:path';
import type { MethodDefinition } from 'nice-grpc';
import protobuf from 'protobufjs';
import { z } from 'zod';

/**
 * The wire contract of the fake: the subset .proto (real Modal field numbers) turned into a nice-grpc service
 * definition. Requests are validated with zod as they arrive, so a field-number mistake fails loudly instead of
 * reading as an empty default.
 */

export const SERVICE_PATH = '/modal.client.ModalClient';

/** DataFormat.DATA_FORMAT_CBOR: the only payload format the JS SDK speaks. */
export const DATA_FORMAT_CBOR = 4;
/** FunctionHandleMetadata.FunctionType.FUNCTION_TYPE_FUNCTION. */
export const FUNCTION_TYPE_FUNCTION = 2;
/** FunctionCallInvocationType: spawn() maps ASYNC, remote() maps SYNC. */
export const INVOCATION_ASYNC = 3;

export const GenericStatus = { SUCCESS: 1, FAILURE: 2, TIMEOUT: 4, INTERNAL_FAILURE: 6 } as const;
export type GenericStatusCode = (typeof GenericStatus)[keyof typeof GenericStatus];

const functionInput = z.object({
  args: z.instanceof(Uint8Array).optional(),
  argsBlobId: z.string().optional(),
  dataFormat: z.number().int(),
  methodName: z.string().optional(),
});
export type FunctionInput = z.infer<typeof functionInput>;

const requests = {
  AuthTokenGet: z.object({}),
  BlobCreate: z.object({
    contentMd5: z.string(),
    contentSha256Base64: z.string(),
    contentLength: z.number().int().nonnegative(),
  }),
  BlobGet: z.object({ blobId: z.string() }),
  FunctionCallFromId: z.object({ functionCallId: z.string() }),
  FunctionGet: z.object({ appName: z.string(), objectTag: z.string(), environmentName: z.string() }),
  FunctionGetOutputs: z.object({
    functionCallId: z.string(),
    timeout: z.number().nonnegative(),
    clearOnSuccess: z.boolean(),
    inputJwts: z.array(z.string()),
  }),
  FunctionMap: z.object({
    functionId: z.string(),
    functionCallInvocationType: z.number().int(),
    pipelinedInputs: z.array(z.object({ idx: z.number().int(), input: functionInput })),
  }),
  FunctionRetryInputs: z.object({
    functionCallJwt: z.string(),
    inputs: z.array(z.object({ inputJwt: z.string(), input: functionInput, retryCount: z.number().int() })),
  }),
};

export type RpcName = keyof typeof requests;
export type RpcRequest<N extends RpcName> = z.infer<(typeof requests)[N]>;

export type HandleMetadata = {
  functionName: string;
  functionType: number;
  isMethod?: boolean;
  useMethodName?: string;
  appId: string;
  supportedInputFormats: number[];
  supportedOutputFormats: number[];
  methodHandleMetadata?: Record<string, HandleMetadata>;
};

export type GenericResult = {
  status: GenericStatusCode;
  exception?: string;
  traceback?: string;
  data?: Uint8Array;
  dataBlobId?: string;
};

export type OutputItem = {
  result: GenericResult;
  idx: number;
  inputId: string;
  dataFormat: number;
  inputStartedAt: number;
  outputCreatedAt: number;
  retryCount: number;
};

export type RpcResponses = {
  AuthTokenGet: { token: string };
  BlobCreate: { blobId: string; uploadUrl: string };
  BlobGet: { downloadUrl: string };
  FunctionCallFromId: {
    functionCallId: string;
    numInputs: number;
    metadata: { appId: string; functionId: string };
  };
  FunctionGet: { functionId: string; handleMetadata: HandleMetadata };
  FunctionGetOutputs: { outputs: OutputItem[]; lastEntryId: string; numUnfinishedInputs: number };
  FunctionMap: {
    functionCallId: string;
    functionCallJwt: string;
    pipelinedInputs: { idx: number; inputId: string; inputJwt: string }[];
  };
  FunctionRetryInputs: { inputJwts: string[] };
};

export type ModalServiceDefinition = {
  [N in RpcName]: MethodDefinition<
    RpcRequest<N>,
    RpcRequest<N>,
    RpcResponses[N],
    Record<string, unknown>,
    false,
    false
  >;
};

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, defaults: true, arrays: true, objects: true };

function loadService(): protobuf.Service {
  const root = protobuf.loadSync(join(import.meta.dirname, 'modal-subset.proto'));
  root.resolveAll();
  return root.lookupService('modal.client.ModalClient');
}

// Res is inferred from where the result is assigned (ModalServiceDefinition), Req from the schema.
function unary<Req extends object, Res extends object>(
  service: protobuf.Service,
  name: RpcName,
  schema: z.ZodType<Req>,
): MethodDefinition<Req, Req, Res, Record<string, unknown>, false, false> {
  const method = service.methods[name];
  const requestType = method?.resolvedRequestType;
  const responseType = method?.resolvedResponseType;
  if (!requestType || !responseType) throw new Error(`modal-subset.proto has no resolved rpc ${name}`);
  return {
    path: `${SERVICE_PATH}/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value) => requestType.encode(requestType.fromObject(value)).finish(),
    requestDeserialize: (bytes) => schema.parse(requestType.toObject(requestType.decode(bytes), TO_OBJECT)),
    responseSerialize: (value) => responseType.encode(responseType.fromObject(value)).finish(),
    responseDeserialize: (bytes) => responseType.toObject(responseType.decode(bytes), TO_OBJECT),
    options: {},
  };
}

export function modalServiceDefinition(): ModalServiceDefinition {
  const service = loadService();
  return {
    AuthTokenGet: unary(service, 'AuthTokenGet', requests.AuthTokenGet),
    BlobCreate: unary(service, 'BlobCreate', requests.BlobCreate),
    BlobGet: unary(service, 'BlobGet', requests.BlobGet),
    FunctionCallFromId: unary(service, 'FunctionCallFromId', requests.FunctionCallFromId),
    FunctionGet: unary(service, 'FunctionGet', requests.FunctionGet),
    FunctionGetOutputs: unary(service, 'FunctionGetOutputs', requests.FunctionGetOutputs),
    FunctionMap: unary(service, 'FunctionMap', requests.FunctionMap),
    FunctionRetryInputs: unary(service, 'FunctionRetryInputs', requests.FunctionRetryInputs),
  };
}
