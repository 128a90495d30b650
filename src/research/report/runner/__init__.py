"""Running and publishing: papermill, HTML/PDF/PowerPoint rendering, Quarto where installed,
the manifest, verification, the folder swap and partner batches. Imports the products; no
product or kit module imports the runner."""
