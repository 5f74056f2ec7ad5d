"""Pydantic's validation errors, said in Chinese with the field at fault."""

MESSAGES = {
    "missing": "缺少必填字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数，不能有小数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为字符串",
    "list_type": "应为数组",
    "date_from_datetime_parsing": "日期格式应为 yyyy-MM-dd",
    "date_parsing": "日期格式应为 yyyy-MM-dd",
    "datetime_parsing": "时间格式应为 yyyy-MM-dd HH:mm:ss",
    "extra_forbidden": "不认识的字段",
    "json_invalid": "请求体不是合法的 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "literal_error": "取值不在允许范围内",
    "string_too_long": "字符串过长",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
}


# Error types raised by the interface catalogue's own rules, whose messages are already Chinese.
CHINESE_TYPES = {"invalid_format", "invalid_code", "invalid_number", "invalid_text", "inconsistent_weight", "inconsistent",
                 "one_of", "required_when"}


def translate_errors(errors):
    details = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path", "form")]
        index = next((int(p) for p in loc if p.isdigit()), None)
        field = ".".join(p for p in loc if not p.isdigit())
        ctx = err.get("ctx") or {}
        if err.get("type") in CHINESE_TYPES:
            # The catalogue's own rules already speak Chinese; rules across fields name their field in ctx.
            field = field or ctx.get("field", "")
            reason = err.get("msg", "")
        else:
            reason = MESSAGES.get(err.get("type"), f"格式有误（{err.get('msg', '')}）")
        row = {"field": field, "reason": reason}
        if index is not None:
            row["index"] = index
        details.append(row)
    return details
