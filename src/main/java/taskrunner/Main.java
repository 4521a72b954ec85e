package taskrunner; public class Main { public static void main(String[] a){} }
