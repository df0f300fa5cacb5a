"""What the service layer sends, as real Camunda 7.24 reads it (where the demo engine was lenient)."""

from engines.variables import file_value


def test_a_file_variable_keeps_its_mime_type(camunda7_client, camunda7_engine):
    instance = camunda7_engine.seeded.of_shape("check_stock", key="order")[-1]
    scan = file_value(b"%PDF-1.7", filename="scan.pdf", mimetype="application/pdf")
    camunda7_client.set_variable(instance.id, "scan", scan)
    content = camunda7_client.get_variable_data(instance.id, "scan")
    assert (content.data, content.filename, content.mimetype) == (b"%PDF-1.7", "scan.pdf", "application/pdf")
    assert camunda7_client.get_variable(instance.id, "scan").mimetype == "application/pdf"
