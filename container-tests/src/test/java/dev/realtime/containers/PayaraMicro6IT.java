package dev.realtime.containers;

class PayaraMicro6IT extends ProtocolChecks {
    PayaraMicro6IT() {
        super(Servers.payaraMicro("payara6"));
    }
}
