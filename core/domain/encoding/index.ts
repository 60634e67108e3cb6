export {
  BINARY_DATA_CODING,
  type BinaryContent,
  encodeBinary,
  InvalidBinaryError,
  parseBinary,
  planBinary,
} from './binary.ts';
export { chooseEncoding } from './choose.ts';
export { encodeMessage, planMessage } from './encode.ts';
export {
  EmptyTextError,
  EncodingUnavailableError,
  MalformedUdhError,
  TooManyPartsError,
  UnencodableTextError,
} from './errors.ts';
export { PART_UNITS } from './parts/part-sizes.ts';
export { splitUdh } from './parts/udh.ts';
export { dataCodingFor, encodingForDataCoding } from './text/data-coding.ts';
export { decodeParts, decodeText, type PartPayload } from './text/decode.ts';
export type {
  ConcatInfo,
  EncodedMessage,
  EncodeOptions,
  Encoding,
  EncodingChoice,
  MessageEncoding,
  MessagePlan,
} from './types.ts';
