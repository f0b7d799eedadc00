import { checkChainOrder, findIssuer } from "../certs/index.js";
import { inspectReferencedSecrets, repositoryCertificates } from "../secret-certs.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "chain-incomplete",
    severity: "warning",
    description: "The leaf of a client or Host Secret is issued by a certificate that is neither in its tls.crt nor in any Secret of the repository: the chain is likely incomplete.",
    messages: {
      "issuer-missing": (data) =>
        `Secret ${text(data, "secret")}: the certificate in ${text(data, "key")} (${text(data, "subject")}) is issued by ${text(data, "issuer")}, which is neither in ${text(data, "key")} nor in any Secret of this repository. If that issuer is an intermediate, peers that trust only the root cannot build the chain and refuse the certificate. Append the intermediate(s) to ${text(data, "key")} after the leaf.`,
    },
  },
  check({ simulation, model, now }, report) {
    const inspection = inspectReferencedSecrets(simulation, now);
    let repository: ReturnType<typeof repositoryCertificates> | undefined;
    for (const secret of inspection.secrets) {
      if (!secret.chain || !(secret.uses.has("client") || secret.uses.has("server"))) continue;
      const certificates = secret.chain.inspection.certificates;
      const key = secret.privateKey?.inspection.key ?? null;
      const leaf = certificates[checkChainOrder(certificates, key).keyMatchIndex ?? 0];
      if (!leaf || leaf.selfSigned || findIssuer(leaf, certificates)) continue;
      repository ??= repositoryCertificates(model, now);
      if (findIssuer(leaf, repository)) continue;
      report({
        at: secret.chain.at,
        resource: secret.secret,
        messageId: "issuer-missing",
        identity: { secret: secret.name, key: secret.chain.key, subject: leaf.subject, issuer: leaf.issuer },
      });
    }
  },
});
