export {
  BINARY_DATA_CODING,
  type BinaryContent,
  encodeBinary,
  InvalidBinaryError,
  parseBinary,
  planBinary,
} from './binary.ts';
export { chooseEncoding } from './choose.ts';
export { dataCodingFor, encodingForDataCoding } from './data-coding.ts';
export { decodeText } from './decode.ts';
export { encodeMessage, planMessage } from './encode.ts';
export {
  EmptyTextError,
  EncodingUnavailableError,
  MalformedUdhError,
  TooManyPartsError,
  UnencodableTextError,
} from './errors.ts';
export { PART_UNITS } from './part-sizes.ts';
export type {
  ConcatInfo,
  EncodedMessage,
  EncodeOptions,
  Encoding,
  EncodingChoice,
  MessageEncoding,
  MessagePlan,
} from './types.ts';
export { splitUdh } from './udh.ts';
