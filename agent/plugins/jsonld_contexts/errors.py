"""Errors of the bundled JSON-LD context plugin, worded for the person reading the log."""

from acapy_agent.vc.ld_proofs.error import LinkedDataProofException


class ContextNotBundledError(LinkedDataProofException):
    """A credential names a context we do not ship; we refuse rather than fetch it.

    Fetching contexts at run time would leak which credentials the learner handles to
    whoever hosts the context, and let that host change what a signature means.
    """

    def __init__(self, url: str) -> None:
        """Name the URL so the learner or issuer can see which context is missing."""
        super().__init__(
            f"JSON-LD context {url!r} is not bundled with Learner Wallet, and contexts are "
            "never fetched from the network; the credential cannot be processed."
        )
        self.url = url


class BundledContextError(RuntimeError):
    """A bundled context file is missing or differs from the pinned one: the install is broken.

    Raised at ACA-Py start-up so the agent refuses to run instead of failing on the first
    credential that uses the context.
    """
