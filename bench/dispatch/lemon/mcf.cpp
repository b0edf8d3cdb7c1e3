// mcf: solve a DIMACS min-cost-flow problem ("p min" / "n" / "a" lines)
// with LEMON's NetworkSimplex (block-search pivoting, 64-bit integers) and
// print the optimal cost and the solve time. The time covers building the
// solver and running it, not reading the file.
//
//   g++ -O2 -o mcf mcf.cpp -llemon
//   mcf network.dimacs
//
// Output, one "key value" per line: status, objective, seconds, nodes, arcs.
#include <chrono>
#include <fstream>
#include <iostream>

#include <lemon/dimacs.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

using namespace lemon;
typedef long long Int;
typedef NetworkSimplex<SmartDigraph, Int, Int> Solver;

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: mcf file.dimacs\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "mcf: cannot open " << argv[1] << "\n";
    return 2;
  }
  SmartDigraph g;
  SmartDigraph::ArcMap<Int> lower(g), cap(g), cost(g);
  SmartDigraph::NodeMap<Int> supply(g);
  try {
    readDimacsMin(in, g, lower, cap, cost, supply);
  } catch (const std::exception &e) {
    std::cerr << "mcf: " << argv[1] << ": " << e.what() << "\n";
    return 2;
  }

  auto start = std::chrono::steady_clock::now();
  Solver ns(g);
  ns.upperMap(cap).costMap(cost).supplyMap(supply);  // lower bounds are all 0
  Solver::ProblemType status = ns.run(Solver::BLOCK_SEARCH);
  Int objective = status == Solver::OPTIMAL ? ns.totalCost<Int>() : 0;
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;

  const char *names[] = {"infeasible", "optimal", "unbounded"};
  std::cout << "status " << names[status] << "\n"
            << "objective " << objective << "\n"
            << "seconds " << took.count() << "\n"
            << "nodes " << countNodes(g) << "\n"
            << "arcs " << countArcs(g) << "\n";
  return status == Solver::OPTIMAL ? 0 : 1;
}
