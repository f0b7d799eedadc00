#!/usr/bin/env python3
"""Run Emissary's own config compiler on a directory of YAML and print, per Mapping, what it built.

Used by hand to take the expected routes of mtls-gate's tests from Emissary itself (issue 16). It is NOT run by CI or
by the tests, and it contains none of Emissary's code: it imports the compiler from a checkout given on the command line.

    git --git-dir=<bare emissary mirror> archive 3ebe0f468 | tar -x -C /tmp/emissary
    python3 scripts/emissary-compile.py /tmp/emissary test/fixtures/real-patterns/case-redirect

Needs Python 3.11+ with PyYAML. Emissary's compiler also imports prometheus_client (metrics) and durationpy (Knative
timeouts); when they are not installed, small stand-ins are registered, since neither takes part in compiling routes.

How the input reaches the compiler. In a cluster, Emissary's Go watcher (cmd/entrypoint) reads the resources and hands
the Python compiler a snapshot (pkg/snapshot/v1/types.go); this script builds that snapshot from the files and feeds it
to `ResourceFetcher.parse_watt`, as Emissary's `diagd` does. What the Go side does on the way is done here too:
  - Ingresses are converted to extensions/v1beta1 (`serviceName`/`servicePort`), as pkg/kates/k8s_resource_types/
    ingress.go does; an Ingress without a class gets the IngressClass marked `is-default-class`, as the API server's
    DefaultIngressClass admission does on create.
  - `getambassador.io/config` annotations of Services and Ingresses are unfolded (name/namespace into metadata, the rest
    into spec, the parent's namespace and labels as defaults, `ambassador/` API versions renamed), as
    pkg/snapshot/v1/annotations.go (ParseAnnotationResources) does; a version the scheme does not know is passed on
    with an `errors` field, as Emissary does.
  - Top-level getambassador.io resources of a version the CRDs do not serve (v0, or anything but v1, v2, v3alpha1) are
    left out: the API server would refuse them.
NOT emulated: the conversion webhook's v2 -> v3alpha1 field conversion (pkg/api/getambassador.io/v2/
handwritten.conversion.go) beyond one rule that matters for routes: a v1 or v2 Mapping without `host` gets `hostname: "*"`.
Other v2 fields reach the compiler as written (the compiler still reads v2).

Listeners: Emissary builds no listener without Listener resources. With --default-listeners (and no Listener in the
input), the two Listeners of Emissary's own unit tests (8080 and 8443, hostBinding from ALL) are added in the
installation's namespace, so that "does a route exist" has an answer.

Output (JSON): per Mapping its upstream host:port, whether TLS originates, the client certificate and the trusted CA
(as namespace/secret, "(root-cert)" when the CA is an Istio secret's root-cert.pem), SNI, and whether an Envoy route
uses its cluster; per Host its hostname and whether it is active; the compiler's errors by resource; its error log.
"""

import argparse
import copy
import glob
import json
import logging
import os
import sys
import tempfile
import types

SERVED_VERSIONS = {"v1", "v2", "v3alpha1"}
# pkg/snapshot/v1/types.go: the JSON keys of the Kubernetes part of the snapshot.
AMBASSADOR_KINDS = {
    "AuthService", "ConsulResolver", "DevPortal", "Host", "KubernetesEndpointResolver", "KubernetesServiceResolver",
    "Listener", "LogService", "Mapping", "Module", "RateLimitService", "TCPMapping", "TLSContext", "TracingService",
}


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("emissary", help="path to an Emissary checkout (the directory holding python/ambassador)")
    ap.add_argument("paths", nargs="+", help="YAML files or directories (.github/ is skipped)")
    ap.add_argument("--namespace", default="default", help="AMBASSADOR_NAMESPACE (default: default)")
    ap.add_argument("--ambassador-id", default="default", help="AMBASSADOR_ID (default: default)")
    ap.add_argument("--default-listeners", action="store_true", help="add Listeners on 8080/8443 when there are none")
    ap.add_argument(
        "--provider-secrets",
        action="store_true",
        help="add a placeholder TLS Secret for each cert-manager Certificate's secretName (what cert-manager would create)",
    )
    ap.add_argument("--envoy", action="store_true", help="print the whole Envoy configuration instead")
    return ap.parse_args()


def stub_missing_modules():
    """Stand-ins for the two imports that do not compile anything (metrics, Knative durations)."""
    try:
        import prometheus_client  # noqa: F401
    except ImportError:
        mod = types.ModuleType("prometheus_client")

        class Gauge:
            def __init__(self, *a, **k):
                pass

            def __getattr__(self, name):
                return lambda *a, **k: self

        mod.Gauge = Gauge
        sys.modules["prometheus_client"] = mod
    try:
        import durationpy  # noqa: F401
    except ImportError:
        mod = types.ModuleType("durationpy")

        def from_str(text):
            raise ValueError(f"durationpy stand-in: cannot parse {text!r} (Knative is not emulated)")

        mod.from_str = from_str
        sys.modules["durationpy"] = mod


def read_documents(paths, skipped):
    """The Kubernetes objects of the files; a file YAML cannot parse is left out whole (kubectl would refuse it)."""
    import yaml

    docs = []
    for path in paths:
        files = [path] if os.path.isfile(path) else sorted(glob.glob(os.path.join(path, "**", "*.y*ml"), recursive=True))
        for name in files:
            if f"{os.sep}.github{os.sep}" in name:
                continue
            with open(name) as f:
                try:
                    parsed = list(yaml.safe_load_all(f))
                except yaml.YAMLError as e:
                    skipped.append(f"{name}: {str(e).splitlines()[0]}")
                    continue
            docs.extend(d for d in parsed if isinstance(d, dict) and d.get("kind") and d.get("apiVersion"))
    return docs


def to_v1beta1_backend(backend):
    service = backend.get("service")
    if not service:
        return backend
    port = service.get("port", {})
    return {"serviceName": service.get("name"), "servicePort": port.get("number", port.get("name"))}


def convert_ingress(obj, default_class):
    out = copy.deepcopy(obj)
    out["apiVersion"] = "extensions/v1beta1"
    spec = out.setdefault("spec", {})
    if "defaultBackend" in spec:
        spec["backend"] = to_v1beta1_backend(spec.pop("defaultBackend"))
    for rule in spec.get("rules", []) or []:
        for path in (rule.get("http") or {}).get("paths", []) or []:
            path["backend"] = to_v1beta1_backend(path.get("backend", {}))
    annotations = (out.get("metadata") or {}).get("annotations") or {}
    if default_class and not spec.get("ingressClassName") and "kubernetes.io/ingress.class" not in annotations:
        spec["ingressClassName"] = default_class
    return out


def unfold_annotation(parent, raw):
    """pkg/snapshot/v1/annotations.go, ParseAnnotationResources, for one document."""
    obj = {"apiVersion": raw.get("apiVersion") or "", "kind": raw.get("kind"), "metadata": {}, "spec": {}}
    for key, value in raw.items():
        if key in ("apiVersion", "kind"):
            continue
        if key in ("metadata", "spec", "status") and isinstance(value, dict):
            obj[key].update(value)
        elif key in ("name", "namespace", "generation"):
            obj["metadata"][key] = value
        elif key == "metadata_labels":
            obj["metadata"]["labels"] = value
        else:
            obj["spec"][key] = value
    meta = parent.get("metadata") or {}
    obj["metadata"].setdefault("namespace", meta.get("namespace") or "default")
    if obj["metadata"].get("labels") is None and meta.get("labels") is not None:
        obj["metadata"]["labels"] = meta["labels"]
    if obj["apiVersion"].startswith("ambassador/"):
        obj["apiVersion"] = "getambassador.io/" + obj["apiVersion"][len("ambassador/"):]
    group, _, version = obj["apiVersion"].partition("/")
    if group != "getambassador.io" or version not in SERVED_VERSIONS or obj["kind"] not in AMBASSADOR_KINDS:
        obj["errors"] = f'unsupported GroupVersionKind "{obj["apiVersion"]}, Kind={obj["kind"]}", ignoring'
    return convert_v2(obj)


def convert_v2(obj):
    """The one v2 -> v3alpha1 conversion rule that decides routes: a v2 Mapping without host serves hostname "*".
    A v1 Mapping has v2's spec (pkg/api/getambassador.io/v1/crd_mapping.go) and converts through it."""
    if obj.get("kind") == "Mapping" and obj.get("apiVersion") in ("getambassador.io/v1", "getambassador.io/v2"):
        spec = obj.setdefault("spec", {})
        if not spec.get("host") and not spec.get("host_regex") and not spec.get("hostname"):
            spec["hostname"] = "*"
    return obj


def with_string_data(secret):
    """The API server stores stringData base64-encoded in data (stringData wins on the same key)."""
    import base64

    if not secret.get("stringData"):
        return secret
    out = copy.deepcopy(secret)
    data = out.setdefault("data", {}) or {}
    for key, value in out.pop("stringData").items():
        data[key] = base64.b64encode(str(value).encode()).decode()
    out["data"] = data
    return out


def build_snapshot(docs, namespace):
    import yaml

    k8s = {"annotations": {}}
    dropped = []
    classes = [d for d in docs if d["kind"] == "IngressClass"]
    defaults = [
        c["metadata"]["name"] for c in classes
        if ((c.get("metadata") or {}).get("annotations") or {}).get("ingressclass.kubernetes.io/is-default-class") == "true"
    ]
    default_class = defaults[0] if len(defaults) == 1 else None
    for doc in docs:
        api, kind = doc["apiVersion"], doc["kind"]
        doc.setdefault("metadata", {}).setdefault("namespace", "default")
        meta = doc["metadata"]
        if api.startswith("getambassador.io/"):
            if api.split("/", 1)[1] not in SERVED_VERSIONS or kind not in AMBASSADOR_KINDS:
                dropped.append(f"{kind}/{meta['namespace']}/{meta.get('name')} ({api})")
                continue
            k8s.setdefault(kind, []).append(convert_v2(copy.deepcopy(doc)))
        elif api == "v1" and kind == "Service":
            k8s.setdefault("service", []).append(doc)
        elif api == "v1" and kind == "Secret":
            k8s.setdefault("secret", []).append(with_string_data(doc))
        elif api == "v1" and kind == "Endpoints":
            k8s.setdefault("Endpoints", []).append(doc)
        elif kind == "Ingress" and api in ("extensions/v1beta1", "networking.k8s.io/v1beta1", "networking.k8s.io/v1"):
            k8s.setdefault("ingresses", []).append(convert_ingress(doc, default_class))
        elif kind == "IngressClass" and api in ("networking.k8s.io/v1beta1", "networking.k8s.io/v1"):
            k8s.setdefault("ingressclasses", []).append(dict(doc, apiVersion="networking.k8s.io/v1"))
        else:
            continue
        if kind in ("Service", "Ingress"):
            text = (meta.get("annotations") or {}).get("getambassador.io/config")
            if text:
                key = f"{kind}/{meta['name']}.{meta['namespace']}"
                try:
                    parsed = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
                except yaml.YAMLError as e:
                    # PopulateAnnotations: the whole annotation is dropped with an error on its parent.
                    dropped.append(f"annotation of {key}: could not parse YAML: {str(e).splitlines()[0]}")
                    continue
                k8s["annotations"][key] = [unfold_annotation(doc, d) for d in parsed]
    return {"Kubernetes": k8s}, dropped


def add_provider_secrets(snapshot, docs):
    """The Secret a cert-manager Certificate makes in the cluster. Placeholder text, no key material: the compiler only
    stores a Secret's data in files, it does not parse certificates."""
    import base64

    placeholder = base64.b64encode(b"placeholder written by emissary-compile.py").decode()
    secrets = snapshot["Kubernetes"].setdefault("secret", [])
    for doc in docs:
        if doc["kind"] == "Certificate" and doc["apiVersion"].startswith("cert-manager.io/"):
            name = (doc.get("spec") or {}).get("secretName")
            if name:
                secrets.append({
                    "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
                    "metadata": {"name": name, "namespace": doc["metadata"].get("namespace", "default")},
                    "data": {"tls.crt": placeholder, "tls.key": placeholder},
                })


def add_default_listeners(snapshot, namespace, ambassador_id):
    k8s = snapshot["Kubernetes"]
    if k8s.get("Listener"):
        return
    k8s["Listener"] = [
        {
            "apiVersion": "getambassador.io/v3alpha1",
            "kind": "Listener",
            "metadata": {"name": f"default-{port}", "namespace": namespace},
            "spec": {"ambassador_id": [ambassador_id], "port": port, "protocol": "HTTPS", "securityModel": "XFP", "hostBinding": {"namespace": {"from": "ALL"}}},
        }
        for port in (8080, 8443)
    ]


def main():
    args = parse_args()
    # Emissary reads these when its modules load.
    os.environ["AMBASSADOR_NAMESPACE"] = args.namespace
    os.environ["AMBASSADOR_ID"] = args.ambassador_id
    os.environ.setdefault("AMBASSADOR_CONFIG_BASE_DIR", tempfile.mkdtemp(prefix="emissary-base-"))
    sys.path.insert(0, os.path.join(args.emissary, "python", "ambassador", "src"))
    stub_missing_modules()

    from ambassador import IR, Config, EnvoyConfig
    from ambassador.fetch import ResourceFetcher
    from ambassador.utils import SecretHandler

    log = []

    class Collect(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.ERROR and "Starting with configuration errors" not in record.getMessage():
                log.append(record.getMessage())

    logging.basicConfig(level=logging.CRITICAL)
    logger = logging.getLogger("ambassador")
    logger.addHandler(Collect())
    logger.propagate = False
    logger.setLevel(logging.INFO)

    skipped = []
    docs = read_documents(args.paths, skipped)
    snapshot, dropped = build_snapshot(docs, args.namespace)
    dropped += skipped
    if args.provider_secrets:
        add_provider_secrets(snapshot, docs)
    if args.default_listeners:
        add_default_listeners(snapshot, args.namespace, args.ambassador_id)

    aconf = Config()
    fetcher = ResourceFetcher(logger, aconf)
    fetcher.parse_watt(json.dumps(snapshot))
    aconf.load_all(fetcher.sorted())
    cache = tempfile.mkdtemp(prefix="emissary-secrets-")
    # The base SecretHandler knows only the Secrets of the snapshot: a Secret not in the files is "unknown", as in a
    # cluster that does not have it.
    handler = SecretHandler(logger, tempfile.mkdtemp(prefix="emissary-source-"), cache, "0")
    ir = IR(aconf, file_checker=lambda path: True, secret_handler=handler)
    envoy = EnvoyConfig.generate(ir).as_dict()
    if args.envoy:
        print(json.dumps(envoy, indent=1, default=str))
        return
    print(json.dumps(summarise(ir, aconf, envoy, cache, dropped, log), indent=1, default=str))


def secret_of(filename, cache):
    """The cache path <cache>/<namespace>/secrets-decoded/<name>/<hash>.<ext> back to namespace/name."""
    if not filename:
        return None
    parts = os.path.relpath(filename, cache).split(os.sep)
    if len(parts) < 4:
        return filename
    return f"{parts[0]}/{parts[2]}" + (" (root-cert)" if filename.endswith(".root.crt") else "")


def envoy_routes(envoy):
    routes = []
    for listener in envoy["static_resources"]["listeners"]:
        if listener["name"].startswith("ambassador-listener-ready"):
            continue
        for chain in listener["filter_chains"]:
            for flt in chain["filters"]:
                for vhost in flt.get("typed_config", {}).get("route_config", {}).get("virtual_hosts", []):
                    routes.extend(vhost.get("routes", []))
    return routes


def serving_listeners(envoy, hostname):
    """Listeners with a virtual host or a filter chain (SNI) for this hostname: where a Host really serves."""
    names = set()
    for listener in envoy["static_resources"]["listeners"]:
        for chain in listener["filter_chains"]:
            if hostname in (chain.get("filter_chain_match") or {}).get("server_names", []):
                names.add(listener["name"])
            for flt in chain["filters"]:
                for vhost in flt.get("typed_config", {}).get("route_config", {}).get("virtual_hosts", []):
                    if hostname in vhost.get("domains", []):
                        names.add(listener["name"])
    return sorted(names)


def route_clusters(route):
    action = route.get("route", {})
    names = [action["cluster"]] if "cluster" in action else []
    names += [w["name"] for w in action.get("weighted_clusters", {}).get("clusters", [])]
    return names


def upstream_of(cluster, cache):
    if "load_assignment" in cluster:
        address = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]["socket_address"]
        upstream = f'{address["address"]}:{address["port_value"]}'
    else:
        # EDS (Consul, endpoint resolvers): the endpoints, ports included, come from the resolver at run time.
        upstream = "eds:" + cluster.get("eds_cluster_config", {}).get("service_name", "?")
    out = {"upstream": upstream, "originatesTls": False,
           "clientCert": None, "trustedCa": None, "sni": None}
    socket = cluster.get("transport_socket")
    if socket:
        typed = socket["typed_config"]
        common = typed.get("common_tls_context", {})
        certs = common.get("tls_certificates", [])
        out["originatesTls"] = True
        out["clientCert"] = secret_of(certs[0]["certificate_chain"].get("filename"), cache) if certs else None
        out["trustedCa"] = secret_of(common.get("validation_context", {}).get("trusted_ca", {}).get("filename"), cache)
        out["sni"] = typed.get("sni")
    return out


def summarise(ir, aconf, envoy, cache, dropped, log):
    clusters = {c["name"]: c for c in envoy["static_resources"]["clusters"]}
    routes = envoy_routes(envoy)
    used = {name for r in routes for name in route_clusters(r)}
    redirect_prefixes = {r["match"].get("prefix") for r in routes if "redirect" in r}
    mappings = []
    for group in ir.groups.values():
        redirect = group.get("host_redirect")
        for mapping in list(group.get("mappings", [])) or ([redirect] if redirect else []):
            if mapping.kind == "InternalMapping":
                continue
            entry = {"mapping": f"{mapping.namespace}/{mapping.name}", "kind": mapping.kind,
                     "prefix": mapping.get("prefix"), "host": mapping.get("host")}
            if redirect is not None:
                entry["redirect"] = True
                entry["routeExists"] = group.get("prefix") in redirect_prefixes
            else:
                cluster = mapping.get("cluster")
                name = cluster.envoy_name if cluster else None
                entry["cluster"] = name
                if name in clusters:
                    entry.update(upstream_of(clusters[name], cache))
                entry["routeExists"] = name in used
            mappings.append(entry)
    active = {f"{h.namespace}/{h.name}": h for h in ir.get_hosts()}
    hosts = [
        {"host": key, "hostname": h.hostname, "tlsSecret": (h.get("tlsSecret") or {}).get("name"), "active": True,
         "servedBy": serving_listeners(envoy, h.hostname)}
        for key, h in active.items()
    ]
    # The IR keeps only active Hosts: the others are the Host resources it was given and did not keep.
    for resource in (aconf.get_config("hosts") or {}).values():
        key = f'{resource.get("namespace")}/{resource.get("name")}'
        if key not in active:
            hosts.append({"host": key, "hostname": resource.get("hostname"),
                          "tlsSecret": (resource.get("tlsSecret") or {}).get("name"), "active": False, "servedBy": []})
    # parse_watt always complains that it runs outside a Pod (no pod labels mounted): not about the input.
    errors = {
        key: [e.get("error") for e in value if "Pod labels are not mounted" not in str(e.get("error"))]
        for key, value in aconf.errors.items()
    }
    errors = {key: value for key, value in errors.items() if value}
    return {"mappings": sorted(mappings, key=lambda m: m["mapping"]), "hosts": hosts,
            "listeners": sorted(l.name for l in ir.listeners.values()) if hasattr(ir, "listeners") else [],
            "droppedByApiServer": dropped, "errors": errors, "log": log}


if __name__ == "__main__":
    main()
