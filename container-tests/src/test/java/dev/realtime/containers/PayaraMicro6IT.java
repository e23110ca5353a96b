package dev.realtime.containers;

class PayaraMicro6IT extends CdiChecks {
    PayaraMicro6IT() {
        super(Servers.payaraMicro("payara6"));
    }
}
