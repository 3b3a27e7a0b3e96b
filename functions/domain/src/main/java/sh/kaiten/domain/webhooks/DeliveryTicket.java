package sh.kaiten.domain.webhooks;

/** A deliveries-queue message: which delivery to attempt, and which round of it. */
public record DeliveryTicket(
    String tenantId, String endpointId, String deliveryId, int generation) {}
