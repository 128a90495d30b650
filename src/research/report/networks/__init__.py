"""Each network's brief for workshop 2 (activity 2): one document per network.

``network_view`` selects the network's own data; ``parts`` shows it in the notebook
``notebooks/ws2_brief.ipynb``; ``run_ws2_briefs`` (``research ws2``) makes the documents.
"""

from research.report.networks.view import NetworkView, network_view, networks_with_members

__all__ = ["NetworkView", "network_view", "networks_with_members"]
