#!/usr/bin/env python3
"""Compares spec/storefront.yaml with the API facts (shared/api-facts/storefront-api.json).

Usage: python3 spec/check_facts.py [SPEC] [FACTS]

It checks every operation (method, path, operationId, parameters, request body, response statuses,
content types and schemas) and every component schema of the facts against the spec, after
normalising the spec's own encodings back to the facts' form:

- `allOf: [{$ref}]` with siblings (how OpenAPI 3.0 puts `nullable`/`readOnly`/`description` next
  to a reference) counts as that `$ref` with those siblings;
- the shared `Envelope` of success responses is merged back into each response;
- `description`, `example`, `style`/`explode` and the `type` that accompanies `nullable` on a
  wrapped reference are prose or encoding, not wire facts;
- a facts number flagged `x-int-unknown` matches `integer` or `number` (the spec decides);
- the facts' `const` is the spec's one-valued `enum`.

Exits 1 and lists every difference when anything does not match.
"""
import json
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "storefront.yaml")
FACTS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    HERE, "..", "..", "shared", "api-facts", "storefront-api.json")

spec = yaml.safe_load(open(SPEC))
facts = json.load(open(FACTS))
components = spec["components"]

# Operations the user's documentation has and the current API dropped: named by us.
SEED_IDS = {
    ("GET", "/auth/user/{id}/notification-preferences"): "get-notification-preferences",
    ("PUT", "/auth/user/{id}/notification-preferences"): "update-notification-preferences",
    ("POST", "/auth/user/{id}/notification-preferences"): "create-notification-preferences",
    ("POST", "/carts/{id}/gift-card"): "redeem-gift-card",
    ("DELETE", "/carts/{id}/gift-card"): "remove-gift-card",
}
PROSE = {"description", "example", "examples", "title", "style", "explode"}


def resolve_local(ref):
    node = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def member_properties(s):
    """The properties of a schema and its `allOf` members, with what they require."""
    while "$ref" in s:
        s = resolve_local(s["$ref"])
    props, required = dict(s.get("properties", {})), set(s.get("required", []))
    for m in s.get("allOf", []):
        p, r = member_properties(m)
        props.update(p)
        required |= r
    return props, required


def discriminator_follows(s):
    """Whether the `discriminator` of a oneOf states only what the facts already say: every
    member requires the property, as a one-value enum, and the mapping maps each value to its
    member (so it adds no wire fact; spec/README.md)."""
    d, members = s["discriminator"], s.get("oneOf", [])
    mapping = d.get("mapping", {})
    if len(mapping) != len(members):
        return False
    for m in members:
        props, required = member_properties(m)
        prop = props.get(d["propertyName"], {})
        while "$ref" in prop:
            prop = resolve_local(prop["$ref"])
        values = prop.get("enum", [])
        if d["propertyName"] not in required or len(values) != 1:
            return False
        if mapping.get(values[0]) != m.get("$ref"):
            return False
    return True


def norm_spec(s):
    """A spec schema in the facts' form."""
    if isinstance(s, list):
        return [norm_spec(x) for x in s]
    if not isinstance(s, dict):
        return s
    s = {k: v for k, v in s.items() if k not in PROSE}
    all_of = s.get("allOf")
    if all_of and len(all_of) == 1 and set(all_of[0]) == {"$ref"}:
        rest = {k: v for k, v in s.items() if k != "allOf"}
        if rest.get("nullable"):
            rest.pop("type", None)
        s = {"$ref": all_of[0]["$ref"], **rest}
    if len(all_of or []) == 2 and all_of[0] == {"$ref": "#/components/schemas/Envelope"}:
        env = norm_spec(components["schemas"]["Envelope"])
        rest = norm_spec(all_of[1])
        s = {"type": "object", "properties": {**env["properties"], **rest.get("properties", {})}}
        if rest.get("required"):
            s["required"] = rest["required"]
        return s
    if s == {"$ref": "#/components/schemas/Envelope"}:
        return norm_spec(components["schemas"]["Envelope"])
    out = {}
    for k, v in s.items():
        if k == "properties":
            # `x-debug-only` properties are what development servers add (spec/README.md)
            out[k] = {
                pk: norm_spec(pv)
                for pk, pv in v.items()
                if not (isinstance(pv, dict) and pv.get("x-debug-only"))
            }
        elif k in ("items", "additionalProperties") and isinstance(v, dict):
            out[k] = norm_spec(v)
        elif k in ("allOf", "oneOf", "anyOf"):
            out[k] = [norm_spec(x) for x in v]
        elif k == "discriminator" and discriminator_follows(s):
            continue
        else:
            out[k] = v
    return out


def norm_facts(s):
    if isinstance(s, list):
        return [norm_facts(x) for x in s]
    if not isinstance(s, dict):
        return s
    out = {}
    for k, v in s.items():
        if k in ("const", "x-tsType") or k in PROSE:
            continue
        if k == "properties":
            out[k] = {pk: norm_facts(pv) for pk, pv in v.items()}
        elif k in ("items", "additionalProperties") and isinstance(v, dict):
            out[k] = norm_facts(v)
        elif k in ("allOf", "oneOf", "anyOf"):
            out[k] = [norm_facts(x) for x in v]
        else:
            out[k] = v
    return out


def diff(f, s, path, out):
    """Differences between a facts schema `f` and a normalised spec schema `s`."""
    if isinstance(f, dict) and isinstance(s, dict):
        if f.get("x-int-unknown"):
            if s.get("type") not in ("integer", "number"):
                out.append(f"{path}: type {s.get('type')} for a number")
            f = {k: v for k, v in f.items() if k not in ("x-int-unknown", "type")}
            s = {k: v for k, v in s.items() if k != "type"}
        for k in sorted(set(f) | set(s)):
            if k not in s:
                out.append(f"{path}: `{k}` missing in spec")
            elif k not in f:
                out.append(f"{path}: `{k}` only in spec ({json.dumps(s[k])[:80]})")
            elif k == "required":
                if sorted(f[k]) != sorted(s[k]):
                    out.append(f"{path}/required: facts {sorted(f[k])} spec {sorted(s[k])}")
            else:
                diff(f[k], s[k], f"{path}/{k}", out)
    elif isinstance(f, list) and isinstance(s, list):
        if len(f) != len(s):
            out.append(f"{path}: {len(f)} items in facts, {len(s)} in spec")
        for i, (a, b) in enumerate(zip(f, s)):
            diff(a, b, f"{path}/{i}", out)
    elif f != s:
        out.append(f"{path}: facts {json.dumps(f)[:80]} spec {json.dumps(s)[:80]}")


def spec_param(p):
    if "$ref" in p:
        return p["$ref"], resolve_local(p["$ref"])
    return None, p


# Operations whose bearer token the SDK sends but the API does not need: the refresh token in
# the body is the credential, so a client whose access token is gone can still refresh.
OPTIONAL_BEARER = {"refresh-token"}


def expected_security(op):
    if op.get("operationId") in OPTIONAL_BEARER:
        return [{"BearerAuth": []}, {}]
    a = op.get("sdkAuth")
    if not a:
        return None  # no SDK runtime fact: the spec decides (see spec/README.md)
    if a["sessionClientSends"].startswith("X-Api-Key"):
        return [{"ApiKey": []}]
    if a["publicClientSends"] == "X-Api-Key":
        return [{"BearerAuth": []}, {"ApiKey": []}]
    return [{"BearerAuth": []}]


def path_params(path):
    return spec["paths"].get(path, {}).get("parameters")


def check_operation(op, seed=False):
    problems = []
    where = f"{op['method']} {op['path']}"
    item = spec["paths"].get(op["path"], {}).get(op["method"].lower())
    if item is None:
        return [f"{where}: missing"]
    oid = SEED_IDS[(op["method"], op["path"])] if seed else op["operationId"]
    if item.get("operationId") != oid:
        problems.append(f"{where}: operationId {item.get('operationId')} != {oid}")
    if bool(item.get("deprecated")) != bool(op.get("deprecated")):
        problems.append(f"{where}: deprecated differs")
    # parameters
    sp = {}
    for p in item.get("parameters", []):
        ref, body = spec_param(p)
        sp[(body["name"], body["in"])] = (ref, body)
    fp = {(p["name"], p["in"]): p for p in op["parameters"]}
    if set(sp) != set(fp):
        problems.append(f"{where}: parameters facts {sorted(fp)} spec {sorted(sp)}")
    for key in sorted(set(sp) & set(fp)):
        ref, body = sp[key]
        f = fp[key]
        if f.get("componentRef") and f["componentRef"] != ref:
            problems.append(f"{where}: parameter {key} should use {f['componentRef']}")
        if bool(f.get("required")) != bool(body.get("required")):
            problems.append(f"{where}: parameter {key} required differs")
        diff(norm_facts(f["schema"]), norm_spec(body["schema"]), f"{where} param {key[0]}", problems)
    if seed:
        # seed-era shapes come from old sample payloads (required-ness unknown, an older cart):
        # the spec uses today's shapes, so only the contract's outline is compared
        if bool(op.get("requestBody")) != bool(item.get("requestBody")):
            problems.append(f"{where}: request body presence differs")
        if "200" not in item["responses"]:
            problems.append(f"{where}: no 200 response")
        if item.get("security") != [{"BearerAuth": []}]:
            problems.append(f"{where}: security should be the bearer token")
        return problems
    # request body
    frb, srb = op.get("requestBody"), item.get("requestBody")
    if bool(frb) != bool(srb):
        problems.append(f"{where}: request body presence differs")
    elif frb:
        if bool(frb.get("required")) != bool(srb.get("required")):
            problems.append(f"{where}: request body required differs")
        ct = list(srb["content"])
        if ct != [frb["contentType"]]:
            problems.append(f"{where}: request content types {ct}")
        else:
            diff(norm_facts(frb["schema"]), norm_spec(srb["content"][ct[0]]["schema"]),
                 f"{where} body", problems)
    # responses
    fr, sr = op["responses"], item["responses"]
    # a secured operation documents the 401 its missing credentials get, where the facts
    # omit it (spec/README.md)
    if "401" not in fr and sr.get("401") == {"$ref": "#/components/responses/Unauthorized"}:
        if any(alt for alt in (item.get("security") or [])):
            sr = {k: v for k, v in sr.items() if k != "401"}
    # an operation with inputs documents the 400 its input mistakes get, where the facts
    # omit it (spec/README.md)
    if "400" not in fr and sr.get("400") == {"$ref": "#/components/responses/BadRequest"}:
        if item.get("parameters") or item.get("requestBody") or path_params(op["path"]):
            sr = {k: v for k, v in sr.items() if k != "400"}
    if set(fr) != set(sr):
        problems.append(f"{where}: statuses facts {sorted(fr)} spec {sorted(sr)}")
    for status in sorted(set(fr) & set(sr)):
        f, s = fr[status], sr[status]
        if "$ref" in f:
            if s.get("$ref") != f["$ref"]:
                problems.append(f"{where} {status}: should be {f['$ref']}")
            continue
        if "$ref" in s:
            s = resolve_local(s["$ref"])
        content = s.get("content") or {}
        if f.get("schema") is None:
            if content:
                problems.append(f"{where} {status}: spec has a body, facts none")
            continue
        if list(content) != [f["contentType"]]:
            problems.append(f"{where} {status}: content types {list(content)}")
            continue
        diff(norm_facts(f["schema"]), norm_spec(content[f["contentType"]]["schema"]),
             f"{where} {status}", problems)
    # security
    want = [{"BearerAuth": []}] if seed else expected_security(op)
    if want is not None and item.get("security") != want:
        problems.append(f"{where}: security {item.get('security')} != {want}")
    if not item.get("security"):
        problems.append(f"{where}: no security requirement")
    return problems


def main():
    report = []
    ok_ops = 0
    current = facts["operations"]
    seed = [e for e in facts["seedEraOperations"] if e["status"] == "absent"]
    for op in current:
        p = check_operation(op)
        ok_ops += not p
        report += p
    for e in seed:
        p = check_operation({**e, "deprecated": False}, seed=True)
        ok_ops += not p
        report += p
    spec_ops = sum(1 for item in spec["paths"].values() for m in item
                   if m in ("get", "put", "post", "delete", "patch", "head", "options", "trace"))
    total = len(current) + len(seed)
    if spec_ops != total:
        report.append(f"spec has {spec_ops} operations, facts {total}")

    ok_schemas = 0
    for name, f in facts["schemas"].items():
        s = components["schemas"].get(name)
        if s is None:
            report.append(f"schema {name}: missing")
            continue
        problems = []
        diff(norm_facts(f), norm_spec(s), f"schema {name}", problems)
        ok_schemas += not problems
        report += problems

    ok_shared = 0
    for name in ("BadRequest", "Unauthorized", "NotFound"):
        f = facts["sharedResponses"][name]
        s = components["responses"][name]["content"]["application/json"]["schema"]
        s = resolve_local(s["$ref"])
        if "allOf" in s:  # error envelope + extra fields
            merged = {"type": "object", "properties": {}, "required": []}
            for part in s["allOf"]:
                part = resolve_local(part["$ref"]) if "$ref" in part else part
                merged["properties"].update(part.get("properties", {}))
                merged["required"] += part.get("required", [])
            s = merged
        problems = []
        diff(norm_facts(f["schema"]), norm_spec(s), f"response {name}", problems)
        # the spec states `success: false` as the default of every error (the facts of
        # Unauthorized say so; BadRequest and NotFound are the same envelope)
        problems = [p for p in problems if not p.endswith("/success: `default` only in spec (false)")]
        ok_shared += not problems
        report += problems

    ok_params = 0
    for name, f in facts["sharedParameters"].items():
        s = components["parameters"].get(name)
        problems = [] if s else [f"parameter {name}: missing"]
        if s:
            diff(norm_facts(f), norm_spec(s["schema"]), f"parameter {name}", problems)
        ok_params += not problems
        report += problems

    print(f"operations:        {ok_ops}/{total} match ({len(current)} current + {len(seed)} seed-era)")
    print(f"component schemas: {ok_schemas}/{len(facts['schemas'])} match")
    print(f"shared responses:  {ok_shared}/3 match")
    print(f"shared parameters: {ok_params}/{len(facts['sharedParameters'])} match")
    if report:
        print(f"\n{len(report)} differences:")
        for line in report:
            print("  " + line)
        sys.exit(1)


main()
