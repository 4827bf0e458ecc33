// Adds list attributes to tfjs-node's N-API binding before setup:native compiles it: an array
// value for a string attribute sets a list(string) (TFE_OpSetAttrStringList), an array for a type
// attribute a list(type) (TFE_OpSetAttrTypeList). tfjs-node 4.22 takes lists of ints, floats and
// bools only; TensorFlow's fused convolution (`fused_ops`, `TArgs`) needs these two. A single
// value still works as before, so every tfjs-node call is unchanged.
//
// patchTfjsBinding(file) edits tfjs_backend.cc in place and is idempotent; it fails with a clear
// message when the source is not the one it was written against (another tfjs-node version).
import { readFileSync, writeFileSync } from 'node:fs';

/** Marker left in the patched source; its presence means "already patched". */
export const BINDING_PATCH = 'tessera: list(string) and list(type) attributes, v1';

const stringCase = `    case TF_ATTR_STRING: {
      // NOTE: String attribute values do not have to be utf8 encoded strings`;

const stringList = `    case TF_ATTR_STRING: {
      // ${BINDING_PATCH}
      if (IsArray(env, nstatus, &js_value)) {
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<std::string> strs(length);
        std::vector<const void *> ptrs(length);
        std::vector<size_t> lens(length);
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = GetStringParam(env, element, strs[i]);
          ENSURE_NAPI_OK(env, nstatus);
          ptrs[i] = strs[i].data();
          lens[i] = strs[i].size();
        }
        TFE_OpSetAttrStringList(tfe_op, attr_name, ptrs.data(), lens.data(),
                                static_cast<int>(length));
        break;
      }
      // NOTE: String attribute values do not have to be utf8 encoded strings`;

const typeCase = `    case TF_ATTR_TYPE: {
      TF_DataType tf_data_type;`;

const typeList = `    case TF_ATTR_TYPE: {
      if (IsArray(env, nstatus, &js_value)) {
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<TF_DataType> types(length);
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = napi_get_value_int32(
              env, element, reinterpret_cast<int32_t *>(&types[i]));
          ENSURE_NAPI_OK(env, nstatus);
        }
        TFE_OpSetAttrTypeList(tfe_op, attr_name, types.data(),
                              static_cast<int>(length));
        break;
      }
      TF_DataType tf_data_type;`;

/** Patches tfjs-node's `binding/tfjs_backend.cc` at `file`; returns false when it already was. */
export function patchTfjsBinding(file) {
  let src = readFileSync(file, 'utf8');
  if (src.includes(BINDING_PATCH)) return false;
  for (const [from, to] of [
    [stringCase, stringList],
    [typeCase, typeList],
    ['#include <string>\n', '#include <string>\n#include <vector>\n'],
  ]) {
    const count = src.split(from).length - 1;
    if (count !== 1)
      throw new Error(
        `${file}: expected the text "${from.split('\n')[0].trim()}" once, found it ${count} times (another tfjs-node version?)`,
      );
    src = src.replace(from, to);
  }
  writeFileSync(file, src);
  return true;
}
