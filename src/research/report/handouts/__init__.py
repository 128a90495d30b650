"""What the handed-out documents share: the company plans and the workshop-2 briefs.

Why a package of its own: both products are many small documents made from one snapshot in
long-lived kernels (``engine``), show themselves as HTML and as the PDF's blocks (``show``),
read the programme once per kernel (``programme``) and are published as whole folders with a
manifest each (``batch``). Neither product imports the other.
"""
