package taskrunner;
class SmokeTest { @org.junit.jupiter.api.Test void t(){} }
